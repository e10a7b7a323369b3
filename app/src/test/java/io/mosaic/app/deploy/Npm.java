package io.mosaic.app.deploy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** Where npm is, for tests that fetch a package from the npm registry; they skip where it is not. */
final class Npm {

    private Npm() {
    }

    static Optional<Path> find() {
        return onPath(isWindows() ? "npm.cmd" : "npm");
    }

    static Optional<Path> node() {
        return onPath(isWindows() ? "node.exe" : "node");
    }

    private static Optional<Path> onPath(String executable) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator)).filter(d -> !d.isBlank()).map(d -> Path.of(d, executable))
                .filter(Files::isExecutable).findFirst();
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase().startsWith("windows");
    }
}

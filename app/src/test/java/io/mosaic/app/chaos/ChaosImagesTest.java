package io.mosaic.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.mosaic.analysis.Analysis;
import io.mosaic.analysis.AnalysisLimits;
import io.mosaic.analysis.ImageAnalyzer;
import io.mosaic.producers.SourceScanner;
import io.mosaic.schemas.ResultStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The truth the checker relies on must be true: the analyzer and the scanner agree with it. */
class ChaosImagesTest {

    @TempDir
    Path dir;

    @Test
    void theAnalyzerJudgesEveryFileAsItsTruthSays() throws IOException {
        ChaosImages.InputSet set = ChaosImages.write(dir.resolve("images"), 60, 5);
        ImageAnalyzer analyzer = new ImageAnalyzer(AnalysisLimits.defaults());

        assertThat(set.count()).isEqualTo(60);
        assertThat(set.expected(ResultStatus.FAILED)).isEqualTo(3);
        for (ChaosImages.InputFile file : set.files().values()) {
            Path path = set.directory().resolve(file.name());
            Analysis analysis = analyzer.analyze(path);
            assertThat(analysis instanceof Analysis.Ok ? ResultStatus.OK : ResultStatus.FAILED)
                    .as(file.name() + ": " + analysis).isEqualTo(file.expectedStatus());
            assertThat(file.bytes()).isEqualTo(Files.size(path));
        }
        assertThat(set.totalBytes()).isEqualTo(set.files().values().stream().mapToLong(ChaosImages.InputFile::bytes).sum());
    }

    @Test
    void theSubmitterSeesEveryFileAsATask() {
        ChaosImages.InputSet set = ChaosImages.write(dir.resolve("images"), 45, 9);

        SourceScanner.Scan scan = SourceScanner.scan(set.directory());

        assertThat(scan.images()).hasSize(45);
        assertThat(scan.skipped()).isZero();
        assertThat(scan.images()).extracting(p -> p.getFileName().toString()).containsExactlyInAnyOrderElementsOf(set.files().keySet());
    }

    @Test
    void theSameSeedWritesTheSameFiles() {
        ChaosImages.InputSet first = ChaosImages.write(dir.resolve("one"), 25, 3);
        ChaosImages.InputSet second = ChaosImages.write(dir.resolve("two"), 25, 3);

        assertThat(second.files()).isEqualTo(first.files());
    }
}

package io.mosaic.platform.registry;

/** A JVM that starts a schema registry, prints its pid and waits: the parent that the test kills. */
public final class RegistryParentMain {

    private RegistryParentMain() {
    }

    public static void main(String[] args) throws Exception {
        EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry();
        registry.start();
        System.out.println("registry-dir=" + registry.logFile().getParent());
        System.out.println("registry-pid=" + registry.processHandle().pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}

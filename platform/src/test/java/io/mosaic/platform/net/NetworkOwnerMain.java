package io.mosaic.platform.net;

/** Makes an isolated network with one host and waits to be killed, leaving the network behind. */
public final class NetworkOwnerMain {

    private NetworkOwnerMain() {
    }

    public static void main(String[] args) throws Exception {
        IsolatedNetwork network = IsolatedNetwork.create();
        network.host("left");
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}

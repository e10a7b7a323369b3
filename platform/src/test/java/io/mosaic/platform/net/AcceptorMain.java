package io.mosaic.platform.net;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A test server for a host of an isolated network: accepts on {@code address:port}, answers "hi", until killed. */
public final class AcceptorMain {

    private AcceptorMain() {
    }

    public static void main(String[] args) throws Exception {
        try (ServerSocket server = new ServerSocket(Integer.parseInt(args[1]), 50, InetAddress.getByName(args[0]))) {
            System.out.println("listening");
            System.out.flush();
            while (true) {
                try (Socket client = server.accept(); OutputStream out = client.getOutputStream()) {
                    out.write("hi\n".getBytes(StandardCharsets.UTF_8));
                }
            }
        }
    }
}

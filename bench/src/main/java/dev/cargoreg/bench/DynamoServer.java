package dev.cargoreg.bench;

import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.net.URI;

/**
 * DynamoDB Local over HTTP on 127.0.0.1 (in memory), for handlers running in another JVM. DynamoDB Local's own
 * server binds every interface, so the Jetty connector is built here with a loopback host.
 */
final class DynamoServer implements AutoCloseable {
    private final Server server;
    private final LocalDynamoDBRequestHandler requests;
    private final URI endpoint;

    private DynamoServer(Server server, LocalDynamoDBRequestHandler requests, URI endpoint) {
        this.server = server;
        this.requests = requests;
        this.endpoint = endpoint;
    }

    static DynamoServer start() throws Exception {
        // port (unused here), in memory, no db path, one shared database for every access key, no delays
        LocalDynamoDBRequestHandler requests = new LocalDynamoDBRequestHandler(0, true, null, true, false);
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new LocalDynamoDBServerHandler(requests, null));
        server.start();
        return new DynamoServer(server, requests, URI.create("http://127.0.0.1:" + connector.getLocalPort()));
    }

    URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() throws Exception {
        try {
            server.stop();
        } finally {
            requests.shutdown();
        }
    }
}

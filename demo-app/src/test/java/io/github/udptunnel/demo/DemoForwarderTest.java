package io.github.udptunnel.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;

import io.github.udptunnel.autoconfigure.forward.TunnelForwarder;

/**
 * The demo as README's forwarder commands run it, both ends in one service on free ports: a PostgreSQL client's
 * first exchange with the machine's real PostgreSQL (127.0.0.1:5432, which CI starts) goes through the forward.
 */
@SpringBootTest(properties = {"tunnel.server.port=0", "tunnel.client.forwards.postgres.local-port=0",
    "server.port=0", "tunnel.server.identity.key-file=target/demo-test/server.key",
    "tunnel.client.known-hosts.file=target/demo-test/known_hosts"})
@ActiveProfiles({"forward-server", "forward-client"})
@Import(FindTheServerWhereItIs.class)
class DemoForwarderTest {

    @Autowired
    TunnelForwarder forwarder;

    @Autowired
    ObjectProvider<GreetingTraffic> greetings;

    @Test
    void aPostgresClientReachesTheServerThroughTheForward() throws Exception {
        assertThat(greetings.getIfAvailable()).as("the forwarder greets no one").isNull();
        try (Socket s = new Socket("127.0.0.1", forwarder.forward("postgres").localAddress().getPort())) {
            s.setSoTimeout(120_000);  // a safety net only
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(8);         // SSLRequest: the first message of a PostgreSQL client that would like TLS
            out.writeInt(80877103);
            out.flush();
            int answer = new DataInputStream(s.getInputStream()).read();
            assertThat((char) answer).as("PostgreSQL's answer to SSLRequest: 'S' or 'N'").isIn('S', 'N');
        }
    }
}

package io.github.udptunnel.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;


/**
 * The demo over HTTP: /actuator/tunnel and /actuator/prometheus show the greetings going through the tunnel.
 * Prints both (the tunnel_ part of the scrape) for docs/OBSERVABILITY.md.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"tunnel.server.port=0", "demo.interval=20ms",
        "tunnel.server.identity.key-file=target/demo-observability-test/server.key",
        "tunnel.client.known-hosts.file=target/demo-observability-test/known_hosts"})
@Import(FindTheServerWhereItIs.class)
class DemoObservabilityTest {

    @Value("${local.server.port}")
    int port;

    @Autowired
    GreetingTraffic traffic;

    @Test
    void theActuatorShowsLiveTunnelTraffic() {
        Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> traffic.replies() >= 10);
        RestClient http = RestClient.create("http://127.0.0.1:" + port);

        String tunnel = http.get().uri("/actuator/tunnel").retrieve().body(String.class);
        System.out.println("/actuator/tunnel: " + tunnel);
        assertThat(tunnel).contains("\"role\":\"server\"", "\"role\":\"client\"", "\"keyFingerprint\":\"SHA256:",
            "\"data-received\"", "\"connections\":[{\"id\":\"server/");

        String health = http.get().uri("/actuator/health").retrieve().body(String.class);
        assertThat(health).containsPattern("\"tunnel\":\\{\"details\":\\{\"server\":\\{\"open\":true.*\"status\":\"UP\"\\}");

        String scrape = http.get().uri("/actuator/prometheus").retrieve().body(String.class);
        List<String> tunnelLines = Arrays.stream(scrape.split("\n")).filter(l -> l.contains("tunnel_")).toList();
        System.out.println("/actuator/prometheus (tunnel_):\n" + String.join("\n", tunnelLines));
        assertThat(tunnelLines).anyMatch(l -> l.startsWith(
            "tunnel_packets_total{direction=\"received\",role=\"server\",type=\"data\"}") && !l.endsWith(" 0.0"));
        assertThat(tunnelLines).anyMatch(l -> l.startsWith(
            "tunnel_template_requests_seconds_count{outcome=\"success\",role=\"client\"}") && !l.endsWith(" 0"));
        assertThat(tunnelLines).anyMatch(l -> l.startsWith("tunnel_drops_total{reason=\"box-invalid\",role=\"server\"}"));
        assertThat(tunnelLines).anyMatch(l -> l.startsWith("tunnel_connections_active{role=\"server\"} 1"));
        assertThat(tunnelLines).filteredOn(l -> l.startsWith("tunnel_rtt_mean_seconds{role=\"client\"}")).singleElement()
            .satisfies(l -> assertThat(Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).isPositive());
    }

    /** DELETE /actuator/tunnel/server/{peer} closes the client's connection; the demo's next greeting opens another. */
    @Test
    void anOperatorClosesAConnectionOverHttp() {
        Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> traffic.replies() >= 3);
        RestClient http = RestClient.create("http://127.0.0.1:" + port);
        JsonMapper json = JsonMapper.builder().build();
        JsonNode server = json.readTree(http.get().uri("/actuator/tunnel").retrieve().body(String.class))
            .get("endpoints").get(0);
        String peer = server.get("connections").get(0).get("peer").asString();
        long opened = server.get("counters").get("connections-opened").asLong();

        String one = http.get().uri("/actuator/tunnel/server/" + peer).retrieve().body(String.class);
        assertThat(one).contains("\"peer\":\"" + peer + "\"");
        String closed = http.delete().uri("/actuator/tunnel/server/" + peer).retrieve().body(String.class);
        System.out.println("DELETE /actuator/tunnel/server/" + peer + ": " + closed);
        assertThat(closed).contains("\"closed\":true");

        long before = traffic.replies();
        Awaitility.await().atMost(Duration.ofMinutes(1)).until(() -> traffic.replies() >= before + 3);
        JsonNode after = json.readTree(http.get().uri("/actuator/tunnel").retrieve().body(String.class))
            .get("endpoints").get(0);
        assertThat(after.get("counters").get("connections-opened").asLong()).isGreaterThan(opened);
    }
}

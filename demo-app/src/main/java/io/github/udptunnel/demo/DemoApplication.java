package io.github.udptunnel.demo;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The demo: a tunnel server and a client in one Spring Boot service (the default), or either alone (profiles
 * {@code server} and {@code client}, for two machines). The client asks the server a question every
 * {@code demo.interval} through {@code TunnelTemplate}; a {@code @TunnelListener} answers.
 */
@SpringBootApplication
@EnableScheduling
public class DemoApplication {

    public static void main(String[] args) {
        SpringApplication.run(DemoApplication.class, args);
    }
}

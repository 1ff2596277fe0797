package dev.cargoreg.embedded;

import org.apache.catalina.connector.Connector;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** S3Mock adds its plain-HTTP connector on all interfaces; keep every connector on loopback. */
@Configuration(proxyBeanMethods = false)
public class LoopbackOnly implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        for (Connector c : factory.getAdditionalTomcatConnectors()) {
            c.setProperty("address", "127.0.0.1");
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}

package dev.outbox.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The balancer's configuration: one address per app, its instances behind it, checked on their readiness. */
class HaproxyConfigTest {

    @TempDir
    Path state;

    @Test
    void eachAppHasItsAddressAndBothInstancesCheckedOnReadiness() throws Exception {
        StackSettings s = StackSettings.fromEnvironment(state).withStateDir(state).withInstances(2)
                .withPorts(Map.of("order-api", 18080, "delivery", 18082, "order-api-1", 18180, "order-api-2", 18181,
                        "delivery-1", 18182, "delivery-2", 18184));

        String config = Haproxy.config(s, state.resolve("admin.sock"));

        assertThat(config).contains("bind 127.0.0.1:18080", "bind 127.0.0.1:18082",
                "server order-api 127.0.0.1:18180 check", "server order-api-2 127.0.0.1:18181 check",
                "server delivery 127.0.0.1:18182 check", "server delivery-2 127.0.0.1:18184 check",
                "http-check send meth GET uri /actuator/health/readiness", "retry-on conn-failure empty-response",
                "timeout http-request 10s");
        // the program itself accepts it, when it is installed
        Path binary = Path.of("/usr/sbin/haproxy");
        if (Files.isExecutable(binary)) {
            Path file = Files.writeString(state.resolve("haproxy.cfg"), config);
            Process check = new ProcessBuilder(binary.toString(), "-c", "-f", file.toString())
                    .redirectErrorStream(true).start();
            String out = new String(check.getInputStream().readAllBytes());
            assertThat(check.waitFor()).as(out).isZero();
        }
    }

    @Test
    void anInstancesStatusIsReadFromShowStat() {
        String stat = """
                # pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight
                order-api,FRONTEND,,,0,1,4096,3,0,0,0,0,0,,,,,OPEN,
                order-api,order-api,0,0,0,1,,3,0,0,,0,,0,0,0,0,UP,1
                order-api,order-api-2,0,0,0,0,,0,0,0,,0,,0,0,0,0,UP 1/2,1
                delivery,order-api-2,0,0,0,0,,0,0,0,,0,,0,0,0,0,DOWN,1
                """;

        assertThat(Haproxy.statusIn(stat, "order-api", "order-api")).isEqualTo("UP");
        assertThat(Haproxy.statusIn(stat, "order-api", "order-api-2")).isEqualTo("UP 1/2");
        assertThat(Haproxy.statusIn(stat, "delivery", "order-api-2")).isEqualTo("DOWN");
        assertThat(Haproxy.statusIn(stat, "delivery", "delivery-2")).isEqualTo("not listed");
    }
}

package dev.outbox.stack;

import dev.outbox.stack.Stack.Part;
import dev.outbox.stack.StackCli.Command;
import dev.outbox.stack.StackCli.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The command line's words, and the commands that start nothing (status and stop of a stack that does not run). */
class StackCliTest {

    @TempDir
    Path state;

    @Test
    void noWordsStartTheWholeStackWithTheDemoOrder() {
        Command command = Command.parse(List.of());

        assertThat(command.name()).isEqualTo("start");
        assertThat(command.parts()).isEqualTo(Part.ALL);
        assertThat(command.detach()).isFalse();
        assertThat(command.demo()).isTrue();
        assertThat(command.brokers()).isEmpty();
    }

    @Test
    void startTakesItsOptions() {
        Command command = Command.parse(List.of("start", "--detach", "--parts=mariadb,kafka", "--brokers=3", "--no-demo"));

        assertThat(command.detach()).isTrue();
        assertThat(command.demo()).isFalse();
        assertThat(command.parts()).containsExactlyInAnyOrder(Part.MARIADB, Part.KAFKA);
        assertThat(command.brokers()).hasValue(3);
        assertThat(Command.parse(List.of("start", "--infra-only")).parts()).isEqualTo(Part.INFRASTRUCTURE);
    }

    @Test
    void brokersMoveTheSettingsOfEveryCommand() {
        StackSettings settings = StackSettings.fromEnvironment(state).withStateDir(state);

        assertThat(Command.parse(List.of("start", "--brokers=3")).applyTo(settings).kafkaBrokers()).isEqualTo(3);
        assertThat(Command.parse(List.of("status", "--brokers=3")).applyTo(settings).kafkaBrokers()).isEqualTo(3);
        assertThat(Command.parse(List.of("stop")).applyTo(settings)).isEqualTo(settings);
        assertThatThrownBy(() -> Command.parse(List.of("start", "--brokers=2")).applyTo(settings))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 or 3 brokers");
    }

    @Test
    void anUnknownCommandIsNamed() {
        assertThatThrownBy(() -> Command.parse(List.of("bogus"))).isInstanceOf(UsageException.class)
                .hasMessage("unknown command 'bogus'");
        assertThatThrownBy(() -> Command.parse(List.of("--detach"))).isInstanceOf(UsageException.class)
                .hasMessage("unknown command '--detach'");
    }

    @Test
    void anUnknownOptionIsNamedWithItsCommand() {
        assertThatThrownBy(() -> Command.parse(List.of("start", "--detatch"))).isInstanceOf(UsageException.class)
                .hasMessage("unknown option '--detatch' for start");
        assertThatThrownBy(() -> Command.parse(List.of("stop", "--detach"))).isInstanceOf(UsageException.class)
                .hasMessage("unknown option '--detach' for stop");
        assertThatThrownBy(() -> Command.parse(List.of("start", "--brokers=three"))).isInstanceOf(UsageException.class)
                .hasMessage("--brokers takes a number, got 'three'");
        assertThatThrownBy(() -> Command.parse(List.of("start", "--parts=mariadb,zookeeper")))
                .isInstanceOf(UsageException.class).hasMessageStartingWith("unknown part 'zookeeper'; parts: mariadb");
    }

    @Test
    void theUsageNamesEveryCommandAndOption() {
        assertThat(StackCli.USAGE).contains("start", "--detach", "--infra-only", "--parts=", "--brokers=", "--no-demo",
                "--instances=", "restart", "stop", "status", "reset");
    }

    @Test
    void restartTakesOnePartOrOneInstanceOfAnApp() {
        assertThat(Command.parse(List.of("restart", "connect")).target()).isEqualTo("connect");
        assertThat(Command.parse(List.of("restart", "order-api-2")).target()).isEqualTo("order-api-2");
        assertThat(Command.parse(List.of("restart", "delivery", "--instances=1")).applyTo(
                StackSettings.fromEnvironment(state)).instances()).isEqualTo(1);
        assertThatThrownBy(() -> Command.parse(List.of("restart"))).isInstanceOf(UsageException.class)
                .hasMessageContaining("restart which part?").hasMessageContaining("order-api-2");
        assertThatThrownBy(() -> Command.parse(List.of("restart", "connect", "kafka")))
                .isInstanceOf(UsageException.class).hasMessageContaining("unknown option 'kafka'");
        assertThatThrownBy(() -> Command.parse(List.of("restart", "zookeeper"))).isInstanceOf(UsageException.class)
                .hasMessageContaining("unknown part 'zookeeper'");
    }

    @Test
    void instancesMoveTheAppsBehindTheBalancer() {
        StackSettings settings = StackSettings.fromEnvironment(state);

        StackSettings two = Command.parse(List.of("start", "--instances=2")).applyTo(settings);
        assertThat(two.balanced()).isTrue();
        assertThat(two.orderApiInstancePort(1)).isEqualTo(two.orderApiPort() + 100);
        assertThat(two.orderApiInstancePort(2)).isEqualTo(two.orderApiPort() + 101);
        assertThat(two.deliveryInstancePort(2)).isEqualTo(two.deliveryPort() + 102);
        StackSettings one = Command.parse(List.of("start", "--instances=1")).applyTo(settings);
        assertThat(one.balanced()).isFalse();
        assertThat(one.orderApiInstancePort(1)).isEqualTo(one.orderApiPort());
        assertThatThrownBy(() -> Command.parse(List.of("start", "--instances=3")).applyTo(settings))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not 3");
    }

    @Test
    void statusAndStopOfAStackThatDoesNotRunSaySo() {
        StackSettings settings = StackSettings.fromEnvironment(state).withStateDir(state);

        assertThat(run("status", settings)).isEqualTo("not running (state: " + state + ")" + System.lineSeparator());
        assertThat(run("stop", settings)).isEqualTo("nothing running in " + state + System.lineSeparator());
    }

    private static String run(String command, StackSettings settings) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StackCli.run(Command.parse(List.of(command)), settings, new PrintStream(out, true));
        return out.toString();
    }
}

package dev.outbox.systemtest;

import dev.outbox.stack.Stack;
import dev.outbox.stack.StackSettings;
import dev.outbox.stack.junit.LocalStackExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The delivery board in a real browser (Debian's chromium, headless, through chromium-driver) on the real stack:
 * an order placed by a click travels order API → outbox → Debezium → Kafka → delivery-streams and appears as a card;
 * the delivery's commands, clicked, move it across the columns, and a second browser sees every move too.
 *
 * <p>The browser and driver are the Debian packages {@code chromium} and {@code chromium-driver} ({@code ./stack
 * test} installs them when missing), at the paths given by {@code board.test.chromium} and
 * {@code board.test.chromedriver}: both are set, so Selenium Manager never runs and nothing is downloaded.
 * Screenshots go to {@code board.screenshots.dir} (target/board-screenshots).
 */
@ExtendWith(LocalStackExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeliveryBoardIT {

    private static final Duration VISIBLE = Duration.ofSeconds(60);
    private static final String CHROMIUM = System.getProperty("board.test.chromium", "/usr/bin/chromium");
    private static final String CHROMEDRIVER = System.getProperty("board.test.chromedriver", "/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of(System.getProperty("board.screenshots.dir",
            "target/board-screenshots"));

    private static StackSettings settings;
    private static final List<WebDriver> browsers = new ArrayList<>();
    private static Path profiles;

    @BeforeAll
    static void browsers(StackSettings s) throws IOException {
        settings = s;
        assertThat(new File(CHROMIUM).canExecute()).as(CHROMIUM + " (Debian package chromium; ./stack test installs "
                + "it)").isTrue();
        assertThat(new File(CHROMEDRIVER).canExecute()).as(CHROMEDRIVER + " (Debian package chromium-driver; ./stack "
                + "test installs it)").isTrue();
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        Files.createDirectories(SCREENSHOTS);
        profiles = Files.createTempDirectory(SCREENSHOTS.getParent(), "browser-profiles");
    }

    @AfterAll
    static void closeBrowsers() throws IOException {
        browsers.forEach(WebDriver::quit);
        browsers.clear();
        if (profiles != null) {
            try (var paths = Files.walk(profiles)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static WebDriver openBoard(String name) throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--no-first-run", "--disable-extensions", "--window-size=1440,1300",
                "--user-data-dir=" + Files.createDirectories(profiles.resolve(name)));
        // one driver process per browser: quitting a session stops its driver
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .withLogFile(SCREENSHOTS.resolve("chromedriver-" + name + ".log").toFile())
                .build();
        WebDriver browser = new ChromeDriver(service, options);
        browsers.add(browser);
        browser.get(settings.deliveryUrl() + "/");
        until(browser, b -> text(b, "connection").equals("Live"));
        return browser;
    }

    @Test
    @Order(1)
    void anOrderPlacedOnTheBoardIsMovedToDeliveredByClicksAndASecondWindowSeesEachMove()
            throws IOException {
        WebDriver first = openBoard("first");
        WebDriver second = openBoard("second");
        // company on the board: orders placed elsewhere appear live too
        List<String> others = List.of(Api.placeOrder(settings.orderApiUrl(), "c-board-1"),
                Api.placeOrder(settings.orderApiUrl(), "c-board-2"));

        first.findElement(By.id("place-order")).click();
        until(first, b -> text(b, "place-answer").contains("accepted by the order API (201)"));
        String orderId = first.findElement(By.id("place-answer")).getDomAttribute("data-order-id");
        assertThat(orderId).matches("[0-9a-f-]{36}");

        for (WebDriver browser : List.of(first, second)) {
            awaitCard(browser, orderId, "AWAITING_COURIER");
        }

        card(first, orderId).click();
        until(first, b -> text(b, "detail-status").equals("Awaiting courier"));

        first.findElement(By.id("action-assign")).click();
        until(first, b -> text(b, "action-answer").startsWith("Assign courier: accepted (202)"));
        for (WebDriver browser : List.of(first, second)) {
            awaitCard(browser, orderId, "COURIER_ASSIGNED");
        }

        first.findElement(By.id("action-pickup")).click();
        until(first, b -> text(b, "action-answer").startsWith("Confirm pickup: accepted (202)"));
        for (WebDriver browser : List.of(first, second)) {
            awaitCard(browser, orderId, "IN_TRANSIT");
        }

        // the order API accepts the cancellation; the delivery, already picked up, refuses it
        first.findElement(By.id("action-cancel")).click();
        until(first, b -> text(b, "action-answer").contains("but the delivery refused it"));
        assertThat(text(first, "action-answer")).contains("delivery is IN_TRANSIT");
        until(first, b -> b.findElements(By.cssSelector("#timeline li.rejected")).stream()
                .anyMatch(li -> li.getText().contains("Rejected OrderCancelled")));
        until(second, b -> card(b, orderId).getText().contains("rejected change"));
        assertThat(cardStatus(second, orderId)).isEqualTo("IN_TRANSIT");

        // a command the state forbids is answered with the reason, in words
        first.findElement(By.id("action-assign")).click();
        until(first, b -> text(b, "action-answer").startsWith("Assign courier: Refused (409)"));

        first.findElement(By.id("action-deliver")).click();
        until(first, b -> text(b, "action-answer").startsWith("Confirm delivery: accepted (202)"));
        for (WebDriver browser : List.of(first, second)) {
            awaitCard(browser, orderId, "DELIVERED");
        }
        until(first, b -> text(b, "detail-status").equals("Delivered"));

        // the pipeline panel shows the parts up and the order's latency
        until(first, b -> b.findElements(By.cssSelector("#parts .badge.UP")).size() == 5);
        until(first, b -> !text(b, "latency-summary").startsWith("No orders"));
        for (String other : others) {
            awaitCard(second, other, "AWAITING_COURIER");
        }
        first.manage().window().setSize(new Dimension(1440, 1800)); // the pipeline below the columns too
        screenshot(first, "board.png");
    }

    @Test
    @Order(2)
    void withConnectStoppedTheBoardSaysSoAndShowsTheNewOrderOnceConnectIsBack(Stack stack)
            throws IOException {
        WebDriver board = openBoard("connect-down");
        try {
            stack.stop(Stack.Part.CONNECT);
            until(board, b -> text(b, "alerts").contains("Kafka Connect is down"));
            assertThat(text(board, "alerts")).contains("new orders will appear here when Connect returns");
            assertThat(board.findElement(By.id("columns")).isDisplayed()).as("the board stays").isTrue();

            board.findElement(By.id("place-order")).click();
            until(board, b -> text(b, "place-answer").contains("accepted by the order API (201)"));
            String orderId = board.findElement(By.id("place-answer")).getDomAttribute("data-order-id");
            until(board, b -> text(b, "pending-list").contains(orderId.substring(0, 8)));
            screenshot(board, "board-connect-down.png");

            stack.restart(Stack.Part.CONNECT);
            // no reload: the page catches up from the live stream
            awaitCard(board, orderId, "AWAITING_COURIER", Duration.ofSeconds(120));
            until(board, b -> !text(b, "alerts").contains("Kafka Connect"));
            assertThat(board.findElement(By.id("pending")).isDisplayed()).isFalse();
        } finally {
            if (stack.process(Stack.Part.CONNECT).isEmpty()) {
                stack.restart(Stack.Part.CONNECT);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static void awaitCard(WebDriver browser, String orderId, String status) {
        awaitCard(browser, orderId, status, VISIBLE);
    }

    private static void awaitCard(WebDriver browser, String orderId, String status, Duration timeout) {
        new WebDriverWait(browser, timeout).withMessage(() -> "card " + orderId + " in column " + status)
                .until(b -> !b.findElements(By.cssSelector("#col-" + status + " [id='card-" + orderId + "']"))
                        .isEmpty());
    }

    private static WebElement card(WebDriver browser, String orderId) {
        return browser.findElement(By.id("card-" + orderId));
    }

    private static String cardStatus(WebDriver browser, String orderId) {
        return card(browser, orderId).getDomAttribute("data-status");
    }

    private static String text(WebDriver browser, String id) {
        List<WebElement> found = browser.findElements(By.id(id));
        return found.isEmpty() ? "" : found.get(0).getText().trim();
    }

    private static void until(WebDriver browser, java.util.function.Function<WebDriver, Boolean> condition) {
        new WebDriverWait(browser, VISIBLE).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(condition::apply);
    }

    private static void screenshot(WebDriver browser, String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}

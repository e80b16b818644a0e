package dev.outbox.bench;

import org.HdrHistogram.Histogram;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The delivery board as a person sees it: Debian's chromium, headless, driven through chromium-driver (both pinned by
 * path, so nothing is downloaded). A script installed before the page's own ({@code Page.addScriptToEvaluateOnNewDocument})
 * watches the DOM and notes, in the page's clock:
 * <ul>
 *   <li>{@code ready}: every column shows its count and its first page (or says it is empty), and {@code painted}: the
 *   frame after that, which is when a person sees the board filled, counted from the start of the navigation;</li>
 *   <li>{@code moved[orderId]}: when a card is put into the Courier assigned column, in epoch milliseconds, so it can be
 *   compared with when the command was sent.</li>
 * </ul>
 * The page itself is not changed for the measurement.
 */
final class BoardInBrowser implements AutoCloseable {

    static final String CHROMIUM = System.getProperty("board.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("board.chromedriver", "/usr/bin/chromedriver");

    private static final String WATCHER = """
            (() => {
              const statuses = ['AWAITING_COURIER', 'COURIER_ASSIGNED', 'IN_TRANSIT', 'DELIVERED', 'CANCELLED', 'FAILED'];
              const board = window.__boardTimings = { moved: {} };
              const filled = () => statuses.every((s) => {
                const count = document.getElementById('count-' + s);
                const list = document.getElementById('col-' + s);
                const note = document.getElementById('note-' + s);
                return count && list && count.textContent !== '\\u2026'
                    && (list.children.length > 0 || (note && note.textContent.length > 0));
              });
              new MutationObserver((records) => {
                if (board.ready === undefined && filled()) {
                  board.ready = performance.now();
                  requestAnimationFrame(() => setTimeout(() => { board.painted = performance.now(); }, 0));
                }
                for (const r of records) {
                  if (r.target.id !== 'col-COURIER_ASSIGNED') continue;
                  for (const n of r.addedNodes) {
                    if (n.dataset && n.dataset.orderId && board.moved[n.dataset.orderId] === undefined) {
                      board.moved[n.dataset.orderId] = Date.now();
                    }
                  }
                }
              }).observe(document, { childList: true, subtree: true, characterData: true });
            })();""";

    private final Path profile;
    private final ChromeDriver browser;
    private final String boardUrl;

    private BoardInBrowser(String boardUrl) throws IOException {
        this.boardUrl = boardUrl;
        this.profile = Files.createTempDirectory("board-bench-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--no-first-run", "--disable-extensions", "--window-size=1440,1000",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        this.browser = new ChromeDriver(service, options);
        browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", WATCHER));
    }

    /** The browser, or a reason why there is none (chromium or its driver not installed). */
    static BoardInBrowser open(String boardUrl) throws IOException {
        for (String binary : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!new File(binary).canExecute()) {
                throw new IllegalStateException(binary + " is not installed (./stack bench-board installs chromium "
                        + "and chromium-driver when run as root)");
            }
        }
        return new BoardInBrowser(boardUrl);
    }

    /**
     * Loads the board {@code runs} times and times it to the frame in which every column is filled. The first load is
     * cold (nothing cached); the rest have the page's static files in the browser's cache, as a returning user does.
     */
    Map<String, Object> firstPaint(int runs) throws InterruptedException {
        Histogram warm = new Histogram(3);
        double cold = -1;
        for (int run = 0; run < runs; run++) {
            browser.get(boardUrl + "/");
            Number painted = await(b -> (Number) b.executeScript(
                    "return window.__boardTimings && window.__boardTimings.painted"), 15_000);
            double ms = painted.doubleValue();
            if (run == 0) {
                cold = ms;
            } else {
                warm.recordValue(Math.max(1, Math.round(ms * 1000)));
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("coldMs", cold);
        result.put("warm", BoardBenchmark.summary(warm));
        return result;
    }

    /** Waits (up to 10 s) for the card of {@code orderId} to be put into the Courier assigned column; epoch ms. */
    long movedToCourierAssigned(String orderId) throws InterruptedException {
        return await(b -> (Number) b.executeScript("return window.__boardTimings.moved[arguments[0]]", orderId),
                10_000).longValue();
    }

    /** The board open and live (its connection shows Live), before changes are timed on it. */
    void openLive() throws InterruptedException {
        browser.get(boardUrl + "/");
        await(b -> Boolean.TRUE.equals(b.executeScript(
                "const c = document.getElementById('connection'); return !!c && c.textContent === 'Live'")) ? 1 : null,
                15_000);
    }

    private Number await(Function<JavascriptExecutor, Number> probe, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            Number value = probe.apply(browser);
            if (value != null) {
                return value;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the board did not get there within " + timeoutMs + " ms");
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() throws IOException {
        browser.quit();
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}

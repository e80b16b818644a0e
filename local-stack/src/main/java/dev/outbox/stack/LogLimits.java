package dev.outbox.stack;

/**
 * How much log each part of the stack keeps: every part writes its own {@code <part>.log} and rolls it over at
 * {@code fileMegabytes}, keeping {@code files} files in all, so a part's logs never take more than
 * {@link #megabytesPerPart()} however long the stack runs. Settings {@code STACK_LOG_FILE_MB} (default 50) and
 * {@code STACK_LOG_FILES} (default 5), or {@code -Dstack.log.file.mb=...}.
 */
public record LogLimits(int fileMegabytes, int files) {

    public LogLimits {
        if (fileMegabytes < 1 || files < 2) {
            throw new IllegalArgumentException("logs roll over at 1 MB or more and keep 2 files or more, not "
                    + fileMegabytes + " MB and " + files);
        }
    }

    public static LogLimits fromEnvironment() {
        return new LogLimits(Integer.parseInt(StackSettings.value("log.file.mb", "50")),
                Integer.parseInt(StackSettings.value("log.files", "5")));
    }

    public int megabytesPerPart() {
        return fileMegabytes * files;
    }

    /**
     * A log4j2 configuration (Kafka's brokers, Connect) writing {@code log}, rolled over by size, the older files
     * {@code <log>.1} .. {@code <log>.(files - 1)}.
     */
    String log4j2(java.nio.file.Path log) {
        return """
                status = warn
                appender.file.type = RollingFile
                appender.file.name = file
                appender.file.fileName = %1$s
                appender.file.filePattern = %1$s.%%i
                appender.file.layout.type = PatternLayout
                appender.file.layout.pattern = [%%d] %%p %%m (%%c{1})%%n
                appender.file.policies.type = Policies
                appender.file.policies.size.type = SizeBasedTriggeringPolicy
                appender.file.policies.size.size = %2$dMB
                appender.file.strategy.type = DefaultRolloverStrategy
                appender.file.strategy.max = %3$d
                appender.file.strategy.fileIndex = min
                rootLogger.level = INFO
                rootLogger.appenderRef.file.ref = file
                """.formatted(log, fileMegabytes, files - 1);
    }

    /** Spring Boot's logback settings (as environment variables) for an app writing {@code log}, not the console. */
    java.util.Map<String, String> springBoot(java.nio.file.Path log) {
        return java.util.Map.of(
                "LOGGING_FILE_NAME", log.toString(),
                "LOGGING_LOGBACK_ROLLINGPOLICY_MAX_FILE_SIZE", fileMegabytes + "MB",
                "LOGGING_LOGBACK_ROLLINGPOLICY_TOTAL_SIZE_CAP", megabytesPerPart() + "MB",
                "LOGGING_LOGBACK_ROLLINGPOLICY_MAX_HISTORY", "7",
                // standard output goes to <part>.out, which nothing rolls over: only the JVM's own words go there
                "LOGGING_THRESHOLD_CONSOLE", "OFF");
    }
}

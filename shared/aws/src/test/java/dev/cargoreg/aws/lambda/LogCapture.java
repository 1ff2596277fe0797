package dev.cargoreg.aws.lambda;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** What one class's logger records while a test runs: {@link #start} in set-up, {@link #stop} in tear-down. */
final class LogCapture extends Handler {
    private final Logger logger;
    private final List<LogRecord> records = new ArrayList<>();

    LogCapture(Class<?> source) {
        this.logger = Logger.getLogger(source.getName());
    }

    void start() {
        logger.addHandler(this);
    }

    void stop() {
        logger.removeHandler(this);
    }

    /** A snapshot: records may arrive from other threads. */
    List<LogRecord> records() {
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    @Override
    public void publish(LogRecord r) {
        synchronized (records) {
            records.add(r);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}

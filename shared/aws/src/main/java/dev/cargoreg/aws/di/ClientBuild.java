package dev.cargoreg.aws.di;

/**
 * Building one SDK client (a Dagger {@code Lazy}'s first {@code get}): each storage module contributes its own, and a
 * Lambda function's init hands them to a second thread ({@code HttpFunction.buildClientsInBackground}), so the clients
 * are built while the first request's own work runs. Building twice is harmless: the singleton is built once.
 *
 * @param service what the client calls, for logs
 * @param build   builds the client if it is not built yet
 */
public record ClientBuild(String service, Runnable build) {
}

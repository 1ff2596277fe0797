package dev.cargoreg.aws.di;

/**
 * Building one SDK client (a Dagger {@code Lazy}'s first {@code get}): each module contributes its own, and a Lambda
 * function's constructor builds them side by side ({@code HttpFunction.buildClientsAtInit}). Building twice is
 * harmless: the singleton is built once. A class with identity equality, not a record: Dagger collects the builds in a
 * hash set during init, and a record's {@code hashCode} would link the JDK's {@code ObjectMethods} bootstrap there,
 * which nothing else in a cold start needs.
 */
public final class ClientBuild {
    private final String service;
    private final Runnable build;

    /**
     * @param service what the client calls, for logs
     * @param build   builds the client if it is not built yet
     */
    public ClientBuild(String service, Runnable build) {
        this.service = service;
        this.build = build;
    }

    public String service() {
        return service;
    }

    public Runnable build() {
        return build;
    }
}

package dev.cargoreg.core.error;

/**
 * A refusal with the HTTP status and the detail cargo shows the user ({"errors":[{"detail":…}]}).
 * Everything the registry refuses goes through this type; anything else is a server fault.
 */
public class RegistryException extends RuntimeException {
    private final int status;

    public RegistryException(int status, String detail) {
        super(detail, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public String detail() {
        return getMessage();
    }

    public static RegistryException badRequest(String detail) {
        return new RegistryException(400, detail);
    }

    public static RegistryException forbidden(String detail) {
        return new RegistryException(403, detail);
    }

    public static RegistryException notFound(String detail) {
        return new RegistryException(404, detail);
    }

    public static RegistryException conflict(String detail) {
        return new RegistryException(409, detail);
    }

    public static RegistryException tooLarge(String detail) {
        return new RegistryException(413, detail);
    }

    public static RegistryException unavailable(String detail) {
        return new RegistryException(503, detail);
    }
}

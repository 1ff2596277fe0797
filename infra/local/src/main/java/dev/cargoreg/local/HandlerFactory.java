package dev.cargoreg.local;

import dev.cargoreg.core.wiring.RegistryServices;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds a handler class named in template.yaml the way `sam local` would, but over the local backends: through its
 * public constructor whose parameters are all services of the composition root (matched by type). So a new function
 * needs no line here: its handler takes its services, and the template names it.
 */
final class HandlerFactory {
    private final Map<Class<?>, Method> providers = new HashMap<>();
    private final RegistryServices services;

    HandlerFactory(RegistryServices services) {
        this.services = services;
        for (Method m : RegistryServices.class.getMethods()) {
            if (m.getParameterCount() == 0 && !m.isDefault() && !Modifier.isStatic(m.getModifiers())) {
                providers.put(m.getReturnType(), m);
            }
        }
    }

    /** A new instance of {@code className}; fails with a message naming the class when no constructor fits. */
    Object build(String className) {
        Class<?> type;
        try {
            type = Class.forName(className);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("template.yaml names handler " + className + ", which is not on the local"
                    + " runner's classpath (add its function module to infra/local/pom.xml)", e);
        }
        Constructor<?> ctor = Arrays.stream(type.getConstructors())
                .filter(c -> c.getParameterCount() > 0 && Arrays.stream(c.getParameterTypes()).allMatch(providers::containsKey))
                .max(Comparator.comparingInt(Constructor::getParameterCount))
                .orElseThrow(() -> new IllegalStateException(className + " has no public constructor that takes only"
                        + " services of RegistryServices"));
        Object[] args = Arrays.stream(ctor.getParameterTypes()).map(this::provide).toArray();
        try {
            return ctor.newInstance(args);
        } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("could not build " + className, e);
        }
    }

    private Object provide(Class<?> type) {
        try {
            return providers.get(type).invoke(services);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("could not get a " + type.getSimpleName() + " from the composition root", e);
        }
    }
}

package io.github.udptunnel.autoconfigure.listener;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;

/**
 * Finds {@link TunnelListener} methods on every bean once it is initialised (on the target class of a proxy, and
 * called through the proxy), checks their parameters, and registers them by route. The listener container starts
 * reading the server's connections only once every singleton is made.
 */
public class TunnelListenerAnnotationBeanPostProcessor implements BeanPostProcessor {

    private final TunnelListenerRegistry registry = new TunnelListenerRegistry();
    private final Set<Class<?>> withoutListeners = ConcurrentHashMap.newKeySet();

    public TunnelListenerRegistry registry() {
        return registry;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        Class<?> targetClass = AopUtils.getTargetClass(bean);
        if (withoutListeners.contains(targetClass) || !AnnotationUtils.isCandidateClass(targetClass, TunnelListener.class)) {
            return bean;
        }
        Map<Method, TunnelListener> found = MethodIntrospector.selectMethods(targetClass,
            (MethodIntrospector.MetadataLookup<TunnelListener>) m ->
                AnnotatedElementUtils.findMergedAnnotation(m, TunnelListener.class));
        if (found.isEmpty()) {
            withoutListeners.add(targetClass);
            return bean;
        }
        found.forEach((method, annotation) -> {
            Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
            registry.register(new TunnelListenerMethod(bean, invocable, method, annotation.route()));
        });
        return bean;
    }
}

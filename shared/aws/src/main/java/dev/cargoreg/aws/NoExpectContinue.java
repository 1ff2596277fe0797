package dev.cargoreg.aws;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Drops `Expect: 100-continue`, which the S3 client adds to every PutObject. S3 may answer a conditional write's
 * failed precondition (412) before the body, as the final answer to the `Expect`; the URL-connection client then
 * throws a generic error instead of the 412, so "someone else wrote first" would become a 503. Without the header the
 * body is sent whole and the 412 arrives as an ordinary response. Bodies here are small (a crate of a few MiB at most),
 * so nothing is lost by not waiting for a 100 Continue. (SDK releases after 2.42 add
 * `S3Configuration.expectContinueEnabled(false)`, which does the same.)
 */
public final class NoExpectContinue implements ExecutionInterceptor {
    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes executionAttributes) {
        SdkHttpRequest request = context.httpRequest();
        return request.firstMatchingHeader("Expect").isPresent() ? request.toBuilder().removeHeader("Expect").build() : request;
    }
}

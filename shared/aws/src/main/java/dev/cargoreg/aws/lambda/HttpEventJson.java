package dev.cargoreg.aws.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * API Gateway's HTTP API event (payload 2.0) read, and the function's response written, token by token with Jackson's
 * streaming parser and generator. Why not data binding: introspecting the event class and its nested classes is 60-75
 * ms of a fresh JVM's first request (benchmarks.md, 4f), paid on every cold start not restored from a snapshot; this
 * reads the same fields in about 10. The IAM and JWT authorizer shapes, which this registry's API never sends (its
 * authorizer is a Lambda), go through data binding, and unknown fields are skipped, so the result equals data
 * binding's: {@code LambdaJsonTest} compares the two on every sample event, on one with every field, and on responses.
 */
final class HttpEventJson {
    private HttpEventJson() {
    }

    /** As data binding writes it with {@code NON_NULL}: null properties and null map values left out, nulls in lists kept. */
    static void write(JsonGenerator g, APIGatewayV2HTTPResponse r) throws IOException {
        g.writeStartObject();
        g.writeNumberField("statusCode", r.getStatusCode());
        if (r.getHeaders() != null) {
            g.writeFieldName("headers");
            g.writeStartObject();
            for (Map.Entry<String, String> h : r.getHeaders().entrySet()) {
                if (h.getValue() != null) {
                    g.writeStringField(h.getKey(), h.getValue());
                }
            }
            g.writeEndObject();
        }
        if (r.getMultiValueHeaders() != null) {
            g.writeFieldName("multiValueHeaders");
            g.writeStartObject();
            for (Map.Entry<String, List<String>> h : r.getMultiValueHeaders().entrySet()) {
                if (h.getValue() != null) {
                    g.writeFieldName(h.getKey());
                    writeStrings(g, h.getValue());
                }
            }
            g.writeEndObject();
        }
        if (r.getCookies() != null) {
            g.writeFieldName("cookies");
            writeStrings(g, r.getCookies());
        }
        if (r.getBody() != null) {
            g.writeStringField("body", r.getBody());
        }
        g.writeBooleanField("isBase64Encoded", r.getIsBase64Encoded());
        g.writeEndObject();
    }

    private static void writeStrings(JsonGenerator g, List<String> values) throws IOException {
        g.writeStartArray();
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    static APIGatewayV2HTTPEvent read(JsonParser p) throws IOException {
        APIGatewayV2HTTPEvent e = new APIGatewayV2HTTPEvent();
        expectObject(p);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (value == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (field) {
                case "version" -> e.setVersion(p.getText());
                case "routeKey" -> e.setRouteKey(p.getText());
                case "rawPath" -> e.setRawPath(p.getText());
                case "rawQueryString" -> e.setRawQueryString(p.getText());
                case "cookies" -> e.setCookies(strings(p));
                case "headers" -> e.setHeaders(stringMap(p));
                case "queryStringParameters" -> e.setQueryStringParameters(stringMap(p));
                case "pathParameters" -> e.setPathParameters(stringMap(p));
                case "stageVariables" -> e.setStageVariables(stringMap(p));
                case "body" -> e.setBody(p.getText());
                case "isBase64Encoded" -> e.setIsBase64Encoded(p.getValueAsBoolean());
                case "requestContext" -> e.setRequestContext(requestContext(p));
                default -> p.skipChildren();
            }
        }
        return e;
    }

    private static RequestContext requestContext(JsonParser p) throws IOException {
        RequestContext c = new RequestContext();
        expectObject(p);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (value == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (field) {
                case "routeKey" -> c.setRouteKey(p.getText());
                case "accountId" -> c.setAccountId(p.getText());
                case "stage" -> c.setStage(p.getText());
                case "apiId" -> c.setApiId(p.getText());
                case "domainName" -> c.setDomainName(p.getText());
                case "domainPrefix" -> c.setDomainPrefix(p.getText());
                case "time" -> c.setTime(p.getText());
                case "timeEpoch" -> c.setTimeEpoch(p.getValueAsLong());
                case "requestId" -> c.setRequestId(p.getText());
                case "http" -> c.setHttp(http(p));
                case "authorizer" -> c.setAuthorizer(authorizer(p));
                default -> p.skipChildren();
            }
        }
        return c;
    }

    private static RequestContext.Http http(JsonParser p) throws IOException {
        RequestContext.Http h = new RequestContext.Http();
        expectObject(p);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (value == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (field) {
                case "method" -> h.setMethod(p.getText());
                case "path" -> h.setPath(p.getText());
                case "protocol" -> h.setProtocol(p.getText());
                case "sourceIp" -> h.setSourceIp(p.getText());
                case "userAgent" -> h.setUserAgent(p.getText());
                default -> p.skipChildren();
            }
        }
        return h;
    }

    private static RequestContext.Authorizer authorizer(JsonParser p) throws IOException {
        RequestContext.Authorizer a = new RequestContext.Authorizer();
        expectObject(p);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (value == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (field) {
                case "lambda" -> a.setLambda(object(p));
                case "jwt" -> a.setJwt(LambdaJson.mapper().readValue(p, RequestContext.Authorizer.JWT.class));
                case "iam" -> a.setIam(LambdaJson.mapper().readValue(p, RequestContext.IAM.class));
                default -> p.skipChildren();
            }
        }
        return a;
    }

    /** A JSON object as data binding reads it into {@code Map<String, Object>}: maps, lists, strings, numbers, booleans. */
    private static Map<String, Object> object(JsonParser p) throws IOException {
        expectObject(p);
        Map<String, Object> out = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            out.put(field, value(p));
        }
        return out;
    }

    private static Object value(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case START_OBJECT -> object(p);
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(value(p));
                }
                yield list;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IOException("unexpected " + p.currentToken() + " in an API Gateway event");
        };
    }

    private static Map<String, String> stringMap(JsonParser p) throws IOException {
        expectObject(p);
        Map<String, String> out = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (value.isStructStart()) {
                throw new IOException("`" + field + "` is not a string in an API Gateway event");
            }
            out.put(field, value == JsonToken.VALUE_NULL ? null : p.getText());
        }
        return out;
    }

    private static List<String> strings(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new IOException("expected an array in an API Gateway event, found " + p.currentToken());
        }
        List<String> out = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t.isStructStart()) {
                throw new IOException("a cookie is not a string in an API Gateway event");
            }
            out.add(t == JsonToken.VALUE_NULL ? null : p.getText());
        }
        return out;
    }

    private static void expectObject(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new IOException("expected an object in an API Gateway event, found " + p.currentToken());
        }
    }
}

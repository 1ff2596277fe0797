package dev.cargoreg.core.json;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;

import java.io.IOException;

/**
 * Builds a {@link JsonNode} tree from a streaming parser's tokens, as the mapper's {@code readTree} builds it (the same
 * node for every token and number type), without building a mapper: the tree model is a handful of node classes, where
 * data binding is about 500 classes and most of a fresh function's JSON cost. {@code JsonTreeTest} compares the two.
 */
final class TreeReader {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TreeReader() {
    }

    /** The whole input as one value: a {@link MissingNode} when it holds none, an error when anything follows it. */
    static JsonNode readDocument(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == null) {
            return MissingNode.getInstance();
        }
        JsonNode root = value(p, t);
        if (p.nextToken() != null) {
            throw new JsonParseException(p, "Trailing token (of type " + p.currentToken() + ") found after value");
        }
        return root;
    }

    /** The value that starts at the parser's current token {@code t}; leaves the parser on that value's last token. */
    static JsonNode value(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT:
                ObjectNode o = NODES.objectNode();
                for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                    o.set(name, value(p, p.nextToken()));
                }
                return o;
            case START_ARRAY:
                ArrayNode a = NODES.arrayNode();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    a.add(value(p, e));
                }
                return a;
            case VALUE_STRING:
                return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            case VALUE_NUMBER_FLOAT:
                return switch (p.getNumberTypeFP()) {
                    case BIG_DECIMAL -> NODES.numberNode(p.getDecimalValue());
                    case FLOAT32 -> NODES.numberNode(p.getFloatValue());
                    default -> NODES.numberNode(p.getDoubleValue());
                };
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            case VALUE_EMBEDDED_OBJECT:
                Object v = p.getEmbeddedObject();
                if (v == null) {
                    return NODES.nullNode();
                }
                if (v instanceof byte[] bytes) {
                    return NODES.binaryNode(bytes);
                }
                if (v instanceof RawValue raw) {
                    return NODES.rawValueNode(raw);
                }
                return NODES.pojoNode(v);
            default:
                throw new JsonParseException(p, "Unexpected token " + t);
        }
    }
}

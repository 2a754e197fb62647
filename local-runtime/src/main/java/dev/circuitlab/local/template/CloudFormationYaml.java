package dev.circuitlab.local.template;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a CloudFormation/SAM YAML document into plain maps, lists and scalars. The short-form
 * intrinsic tags ({@code !Ref X}, {@code !Sub "..."}, {@code !GetAtt A.B}, ...) become their
 * long form ({@code {"Ref": "X"}}, ...), so the resolver only has to understand one shape.
 */
public final class CloudFormationYaml {

    /** Short tag → long-form function name. {@code !Ref} and {@code !Condition} have no "Fn::". */
    private static final Map<String, String> SHORT_TAGS = Map.ofEntries(
            Map.entry("!Ref", "Ref"),
            Map.entry("!Condition", "Condition"),
            Map.entry("!Sub", "Fn::Sub"),
            Map.entry("!GetAtt", "Fn::GetAtt"),
            Map.entry("!If", "Fn::If"),
            Map.entry("!Equals", "Fn::Equals"),
            Map.entry("!Not", "Fn::Not"),
            Map.entry("!And", "Fn::And"),
            Map.entry("!Or", "Fn::Or"),
            Map.entry("!Select", "Fn::Select"),
            Map.entry("!Join", "Fn::Join"),
            Map.entry("!Split", "Fn::Split"),
            Map.entry("!FindInMap", "Fn::FindInMap"),
            Map.entry("!Base64", "Fn::Base64"),
            Map.entry("!GetAZs", "Fn::GetAZs"),
            Map.entry("!ImportValue", "Fn::ImportValue"),
            Map.entry("!Cidr", "Fn::Cidr"),
            Map.entry("!Transform", "Fn::Transform"),
            Map.entry("!Length", "Fn::Length"),
            Map.entry("!ToJsonString", "Fn::ToJsonString"));

    private CloudFormationYaml() {
    }

    /** Parses a template file; any problem becomes a one-line {@link TemplateException}. */
    public static Map<String, Object> load(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return toRoot(newYaml().load(reader), file.toString());
        } catch (NoSuchFileException e) {
            throw new TemplateException("template not found: " + file);
        } catch (IOException e) {
            throw new TemplateException("cannot read template " + file + ": " + e.getMessage(), e);
        } catch (YAMLException e) {
            throw new TemplateException("cannot parse template " + file + ": " + describe(e), e);
        }
    }

    /** Parses template text (for tests and tools). */
    public static Map<String, Object> parse(String yaml) {
        try {
            return toRoot(newYaml().load(yaml), "template");
        } catch (YAMLException e) {
            throw new TemplateException("cannot parse template: " + describe(e), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> toRoot(Object document, String name) {
        if (!(document instanceof Map<?, ?> map)) {
            throw new TemplateException("cannot parse template " + name + ": the document is not a YAML mapping");
        }
        return (Map<String, Object>) map;
    }

    private static Yaml newYaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return new Yaml(new IntrinsicConstructor(options));
    }

    /** Folds snakeyaml's multi-line "problem + mark + snippet" message into one line. */
    private static String describe(YAMLException e) {
        if (e instanceof MarkedYAMLException m && m.getProblemMark() != null) {
            String problem = m.getProblem() != null ? m.getProblem() : m.getMessage();
            String context = m.getContext() != null ? m.getContext() + ": " : "";
            return "line " + (m.getProblemMark().getLine() + 1) + ", column " + (m.getProblemMark().getColumn() + 1)
                    + ": " + context + oneLine(problem);
        }
        return oneLine(e.getMessage());
    }

    private static String oneLine(String s) {
        return s == null ? "unknown error" : s.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    private static final class IntrinsicConstructor extends SafeConstructor {

        IntrinsicConstructor(LoaderOptions options) {
            super(options);
            for (Map.Entry<String, String> e : SHORT_TAGS.entrySet()) {
                yamlConstructors.put(new Tag(e.getKey()), new LongForm(e.getValue()));
            }
        }

        private final class LongForm extends AbstractConstruct {
            private final String function;

            LongForm(String function) {
                this.function = function;
            }

            @Override
            public Object construct(Node node) {
                Object value;
                if (node instanceof ScalarNode scalar) {
                    String text = constructScalar(scalar);
                    // !GetAtt Resource.Attribute is the only short form whose scalar means a list.
                    if (function.equals("Fn::GetAtt")) {
                        int dot = text.indexOf('.');
                        value = dot < 0 ? List.of(text) : List.of(text.substring(0, dot), text.substring(dot + 1));
                    } else {
                        value = text;
                    }
                } else if (node instanceof SequenceNode sequence) {
                    value = new ArrayList<>(constructSequence(sequence));
                } else {
                    value = new LinkedHashMap<>(constructMapping((MappingNode) node));
                }
                Map<String, Object> longForm = new LinkedHashMap<>();
                longForm.put(function, value);
                return longForm;
            }
        }
    }
}

// Makes a cluster's ACLs exactly those of a declarative list (scripts/kafka/acls.txt): creates
// the missing ones and deletes the others, in one JVM with Kafka's Admin client. Run as a
// single source file: java -cp "<kafka libs>/*" AclApply.java ADMIN_PROPERTIES ACL_LIST
// Running it again changes nothing. Exit code 1 with a message naming the line on a bad list.

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

public class AclApply {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(\\w+):-([^}]*)\\}");
    private static final long TIMEOUT_S = 30;

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: AclApply ADMIN_PROPERTIES ACL_LIST");
            System.exit(2);
        }
        Set<AclBinding> wanted;
        try {
            wanted = parse(Path.of(args[1]));
        } catch (IllegalArgumentException e) {
            System.err.println("AclApply: " + e.getMessage());
            System.exit(1);
            return;
        }
        Properties props = new Properties();
        try (var in = Files.newInputStream(Path.of(args[0]))) {
            props.load(in);
        }
        try (Admin admin = Admin.create(props)) {
            Set<AclBinding> present = new HashSet<>(
                admin.describeAcls(AclBindingFilter.ANY).values().get(TIMEOUT_S, TimeUnit.SECONDS));
            List<AclBinding> missing = new ArrayList<>();
            for (AclBinding binding : wanted) {
                if (!present.contains(binding)) {
                    missing.add(binding);
                }
            }
            List<AclBindingFilter> extra = new ArrayList<>();
            for (AclBinding binding : present) {
                if (!wanted.contains(binding)) {
                    extra.add(binding.toFilter());
                }
            }
            if (!missing.isEmpty()) {
                admin.createAcls(missing).all().get(TIMEOUT_S, TimeUnit.SECONDS);
            }
            if (!extra.isEmpty()) {
                admin.deleteAcls(extra).all().get(TIMEOUT_S, TimeUnit.SECONDS);
            }
            System.err.printf("kafka ACLs: %d in %s, %d created, %d removed%n", wanted.size(),
                args[1], missing.size(), extra.size());
        }
    }

    // Each line: principal, resource type, resource name, then one or more operations.
    static Set<AclBinding> parse(Path file) throws Exception {
        Set<AclBinding> bindings = new HashSet<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + ":" + (i + 1) + ": ";
            String[] fields = line.split("\\s+");
            if (fields.length < 4) {
                throw new IllegalArgumentException(
                    where + "want: principal resource-type name operation...");
            }
            ResourcePattern resource =
                new ResourcePattern(resourceType(fields[1], where), expand(fields[2], where),
                    PatternType.LITERAL);
            for (int f = 3; f < fields.length; f++) {
                AclOperation operation = operation(fields[f], where);
                bindings.add(new AclBinding(resource, new AccessControlEntry(
                    "User:" + fields[0], "*", operation, AclPermissionType.ALLOW)));
            }
        }
        return bindings;
    }

    static ResourceType resourceType(String name, String where) {
        switch (name) {
            case "topic": return ResourceType.TOPIC;
            case "group": return ResourceType.GROUP;
            case "cluster": return ResourceType.CLUSTER;
            default:
                throw new IllegalArgumentException(
                    where + "resource type '" + name + "' is not topic, group or cluster");
        }
    }

    static AclOperation operation(String name, String where) {
        AclOperation operation = AclOperation.fromString(name.toUpperCase(Locale.ROOT));
        if (operation == AclOperation.UNKNOWN || operation == AclOperation.ANY) {
            throw new IllegalArgumentException(where + "unknown operation '" + name + "'");
        }
        return operation;
    }

    // ${VAR:-default}: VAR's value when set and not empty, else the default.
    static String expand(String text, String where) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = System.getenv(m.group(1));
            m.appendReplacement(out,
                Matcher.quoteReplacement(value == null || value.isEmpty() ? m.group(2) : value));
        }
        m.appendTail(out);
        String name = out.toString();
        if (name.isEmpty() || name.contains("$")) {
            throw new IllegalArgumentException(where + "bad resource name '" + text + "'");
        }
        return name;
    }
}

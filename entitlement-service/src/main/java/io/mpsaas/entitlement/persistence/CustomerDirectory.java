package io.mpsaas.entitlement.persistence;

import io.mpsaas.common.config.TablesConfig;
import io.mpsaas.common.customer.CompanyIndex;
import io.mpsaas.common.customer.CustomerAttributes;
import io.mpsaas.common.customer.CustomerKeys;
import io.mpsaas.common.customer.LicenseArn;
import io.mpsaas.common.customer.CustomerRecord;
import io.mpsaas.common.customer.RegistrationRecord;
import io.mpsaas.common.customer.SubscriptionState;
import io.mpsaas.common.dynamo.Attr;
import io.mpsaas.common.dynamo.BatchReads;
import io.mpsaas.common.dynamo.Paging;
import io.mpsaas.common.dynamo.SuiteTables;
import io.mpsaas.entitlement.config.EntitlementConfig;
import io.mpsaas.entitlement.domain.CustomerListing.Page;
import io.mpsaas.entitlement.domain.CustomerListing.Row;
import io.mpsaas.entitlement.domain.SearchQuery;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * The admin API's view of the customers table: pages of customers, the lookups of the search, a customer's registration
 * and history. Every read is bounded: ids are exact lookups through the table's keys and indexes (license: the key;
 * account: {@code gsi1}; product: {@code gsi2}; CustomerIdentifier: the key under each known product), a company is
 * found by the start of its normalised name in the company index ({@link CompanyIndex}, one Query), and only the
 * unfiltered list scans, one page at a time.
 */
@ApplicationScoped
public class CustomerDirectory {

    /** What a CustomerIdentifier or product code can look like; other text is looked up as a company only. */
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");
    private static final int READ_BATCH = 200;
    private static final Duration PRODUCT_CODES_TTL = Duration.ofMinutes(1);

    private final DynamoDbClient dynamo;
    private final String table;
    private final SubscriptionStore store;
    private final EntitlementConfig config;
    private final Clock clock;
    private volatile Set<String> productCodes;
    private volatile Instant productCodesReadAt = Instant.MIN;

    public CustomerDirectory(DynamoDbClient dynamo, TablesConfig tables, SubscriptionStore store,
            EntitlementConfig config, Clock clock) {
        this.dynamo = dynamo;
        this.table = tables.customers();
        this.store = store;
        this.config = config;
        this.clock = clock;
    }

    // ---------------------------------------------------------------- one customer

    public Optional<CustomerRecord> customer(String key) {
        return valid(key) ? store.customerForRead(key) : Optional.empty();
    }

    /** Personal data: for the authenticated operator's page only, never logged. */
    public Optional<RegistrationRecord> registration(String key) {
        return store.registration(key);
    }

    /** What the latest notifications did to the customer, newest first. */
    public List<InboxEntry> history(String key, int limit) {
        return store.history(key, limit);
    }

    // ---------------------------------------------------------------- the list

    /**
     * A page of customers: of one product ({@code gsi2}, in key order) or of the whole table (a Scan, in DynamoDB's
     * order), optionally in one state, starting after {@code cursor}. Reads at most
     * {@code suite.entitlement.admin.max-items-per-page} items; a rare state may so answer a short page with a
     * next link.
     */
    public Page page(String productCode, SubscriptionState state, String cursor) {
        int size = config.admin().pageSize();
        int budget = config.admin().maxItemsPerPage();
        boolean byProduct = productCode != null && !productCode.isBlank();
        Map<String, AttributeValue> start = cursor == null || cursor.isBlank() ? null
                : decodeCursor(cursor, byProduct ? productCode.strip() : null);
        Map<String, String> names = new HashMap<>(Map.of("#sk", SuiteTables.SK));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":c", Attr.s(CustomerKeys.CUSTOMER_SK)));
        String filter = "#sk = :c";
        if (state != null) {
            names.put("#st", CustomerAttributes.SUBSCRIPTION_STATE);
            values.put(":st", Attr.s(state.name()));
            // a customer nobody confirmed yet may have no state attribute: it counts as pending
            filter += state == SubscriptionState.PENDING ? " AND (attribute_not_exists(#st) OR #st = :st)"
                    : " AND #st = :st";
        }
        if (byProduct) {
            names.put("#g2", SuiteTables.GSI2_PK);
            values.put(":g2", Attr.s(CustomerKeys.PRODUCT_PREFIX + productCode.strip()));
        }
        // pages of READ_BATCH read one after the other (common's Paging) until the page is full or the budget spent
        Iterator<Batch> batches = byProduct
                ? Paging.queryPages(dynamo, QueryRequest.builder().tableName(table).indexName(SuiteTables.GSI2)
                        .keyConditionExpression("#g2 = :g2").filterExpression(filter).expressionAttributeNames(names)
                        .expressionAttributeValues(values).limit(READ_BATCH).build(), start)
                        .map(r -> new Batch(r.items(), r.hasLastEvaluatedKey() ? r.lastEvaluatedKey() : null,
                                r.scannedCount()))
                        .iterator()
                : Paging.scanPages(dynamo, ScanRequest.builder().tableName(table).filterExpression(filter)
                        .expressionAttributeNames(names).expressionAttributeValues(values).limit(READ_BATCH).build(),
                        start)
                        .map(r -> new Batch(r.items(), r.hasLastEvaluatedKey() ? r.lastEvaluatedKey() : null,
                                r.scannedCount()))
                        .iterator();
        List<Map<String, AttributeValue>> found = new ArrayList<>();
        int examined = 0;
        while (batches.hasNext()) {
            Batch batch = batches.next();
            examined += batch.scanned();
            for (Map<String, AttributeValue> item : batch.items()) {
                found.add(item);
                if (found.size() == size) {
                    // the next page starts after this item, not after the whole batch read
                    return page(found, encodeCursor(item, byProduct), examined);
                }
            }
            Map<String, AttributeValue> last = Paging.next(batch.lastKey());
            if (last != null && examined >= budget) {
                return page(found, encodeCursor(last, byProduct), examined);
            }
        }
        return page(found, null, examined);
    }

    /** One read of the list: its items, the key to go on from (null on the last) and how many items it examined. */
    private record Batch(List<Map<String, AttributeValue>> items, Map<String, AttributeValue> lastKey, int scanned) {
    }

    private Page page(List<Map<String, AttributeValue>> items, String next, int examined) {
        List<CustomerRecord> customers = items.stream().map(CustomerRecord::fromItem).toList();
        return new Page(rows(customers, null), next, examined);
    }

    // ---------------------------------------------------------------- the search

    /** The customers the query finds, at most {@code suite.entitlement.admin.search-limit}. */
    public List<Row> search(SearchQuery query) {
        int limit = config.admin().searchLimit();
        String text = query.text();
        Map<String, Row> found = new LinkedHashMap<>();
        switch (query.resolved()) {
            case CUSTOMER_KEY -> customer(text).ifPresent(c -> add(found, List.of(c), "customer key"));
            case LICENSE -> byLicense(text).ifPresent(c -> add(found, List.of(c), "license"));
            case ACCOUNT -> add(found, byAccount(text, limit), "AWS account");
            case CUSTOMER_IDENTIFIER -> add(found, byCustomerIdentifier(text), "customer identifier");
            case PRODUCT_CODE -> add(found, byProduct(text, limit), "product code");
            case COMPANY -> found.putAll(byCompany(text, limit));
            case ANY -> {
                if (IDENTIFIER.matcher(text).matches()) {
                    add(found, byCustomerIdentifier(text), "customer identifier");
                }
                add(found, byProduct(text, limit), "product code");
                byCompany(text, limit).forEach(found::putIfAbsent);
            }
        }
        List<Row> rows = new ArrayList<>(found.values());
        List<Row> limited = rows.size() > limit ? rows.subList(0, limit) : rows;
        // the company index answered the company already; the others need their registration read
        Map<String, String> companies = companies(limited.stream().filter(r -> r.company() == null)
                .map(r -> r.customer().key()).toList());
        return limited.stream().map(r -> r.company() != null ? r
                : new Row(r.customer(), companies.get(r.customer().key()), r.matchedBy())).toList();
    }

    /** By a bare license id ({@code l-...}), or by a license ARN that must be the customer's whole. */
    private Optional<CustomerRecord> byLicense(String licenseArn) {
        String text = licenseArn.strip();
        if (BARE_LICENSE_ID.matcher(text).matches()) {
            return customer(CustomerKeys.LICENSE_PREFIX + text);
        }
        try {
            return customer(CustomerKeys.forLicense(text))
                    .filter(c -> LicenseArn.sameLicense(text, c.licenseArn()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static final java.util.regex.Pattern BARE_LICENSE_ID = java.util.regex.Pattern.compile(
            "l-[0-9A-Za-z]{1,64}");

    private List<CustomerRecord> byAccount(String accountId, int limit) {
        return queryCustomers(SuiteTables.GSI1, SuiteTables.GSI1_PK, CustomerKeys.ACCOUNT_PREFIX + accountId, limit);
    }

    private List<CustomerRecord> byProduct(String productCode, int limit) {
        return queryCustomers(SuiteTables.GSI2, SuiteTables.GSI2_PK, CustomerKeys.PRODUCT_PREFIX + productCode, limit);
    }

    /**
     * A legacy CustomerIdentifier is unique per product: one key to look up under each known product. The product list
     * is kept for a minute; a miss reads it again, so a product that appeared since is not overlooked.
     */
    private List<CustomerRecord> byCustomerIdentifier(String customerIdentifier) {
        Set<String> codes = productCodes(false);
        List<CustomerRecord> found = lookUp(customerIdentifier, codes);
        if (found.isEmpty() && config.reconciliation().productCodes().isEmpty()) {
            Set<String> fresh = new LinkedHashSet<>(productCodes(true));
            fresh.removeAll(codes);
            found = lookUp(customerIdentifier, fresh);
        }
        return found;
    }

    private List<CustomerRecord> lookUp(String customerIdentifier, Set<String> productCodes) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (String product : productCodes) {
            keys.add(SuiteTables.key(CustomerKeys.forLegacy(product, customerIdentifier), CustomerKeys.CUSTOMER_SK));
        }
        return batchGet(keys, null).stream().map(CustomerRecord::fromItem).toList();
    }

    /** Registrations whose normalised company starts with the normalised text: one Query of the company index. */
    private Map<String, Row> byCompany(String text, int limit) {
        String prefix = CompanyIndex.normalise(text);
        Map<String, Row> rows = new LinkedHashMap<>();
        if (prefix.isEmpty()) {
            return rows;
        }
        QueryResponse response = dynamo.query(QueryRequest.builder().tableName(table).indexName(SuiteTables.GSI2)
                .keyConditionExpression("#p = :p AND begins_with(#s, :prefix)")
                .expressionAttributeNames(Map.of("#p", SuiteTables.GSI2_PK, "#s", SuiteTables.GSI2_SK))
                .expressionAttributeValues(Map.of(":p", Attr.s(CompanyIndex.PARTITION), ":prefix", Attr.s(prefix)))
                .limit(limit).build());
        Map<String, String> companies = new LinkedHashMap<>();
        for (Map<String, AttributeValue> item : response.items()) {
            companies.put(Attr.string(item, SuiteTables.PK), Attr.string(item, RegistrationRecord.COMPANY));
        }
        List<Map<String, AttributeValue>> keys = companies.keySet().stream()
                .map(k -> SuiteTables.key(k, CustomerKeys.CUSTOMER_SK)).toList();
        Map<String, CustomerRecord> customers = new HashMap<>();
        batchGet(keys, null).forEach(item -> {
            CustomerRecord c = CustomerRecord.fromItem(item);
            customers.put(c.key(), c);
        });
        companies.forEach((key, company) -> {
            CustomerRecord c = customers.get(key);
            if (c != null) {
                rows.put(key, new Row(c, company, "company"));
            }
        });
        return rows;
    }

    private List<CustomerRecord> queryCustomers(String index, String partitionName, String partition, int limit) {
        List<CustomerRecord> customers = new ArrayList<>();
        QueryResponse response = dynamo.query(QueryRequest.builder().tableName(table).indexName(index)
                .keyConditionExpression("#p = :p").filterExpression("#sk = :c")
                .expressionAttributeNames(Map.of("#p", partitionName, "#sk", SuiteTables.SK))
                .expressionAttributeValues(Map.of(":p", Attr.s(partition), ":c", Attr.s(CustomerKeys.CUSTOMER_SK)))
                .limit(limit).build());
        response.items().forEach(item -> customers.add(CustomerRecord.fromItem(item)));
        return customers;
    }

    /**
     * The product codes of the customers table, for CustomerIdentifier lookups: reconciliation's configured list when
     * set (set it for a large table), else the Scan reconciliation uses, kept for a minute.
     */
    private Set<String> productCodes(boolean fresh) {
        Optional<List<String>> configured = config.reconciliation().productCodes();
        if (configured.isPresent()) {
            return new LinkedHashSet<>(configured.get());
        }
        Instant now = clock.instant();
        Set<String> codes = productCodes;
        if (fresh || codes == null || now.isAfter(productCodesReadAt.plus(PRODUCT_CODES_TTL))) {
            codes = Set.copyOf(store.productCodes());
            productCodes = codes;
            productCodesReadAt = now;
        }
        return codes;
    }

    // ---------------------------------------------------------------- registrations of a list

    private List<Row> rows(List<CustomerRecord> customers, String matchedBy) {
        Map<String, String> companies = companies(customers.stream().map(CustomerRecord::key).toList());
        return customers.stream().map(c -> new Row(c, companies.get(c.key()), matchedBy)).toList();
    }

    /** The company of each registered customer among {@code keys} (BatchGetItem of their registration items). */
    private Map<String, String> companies(Collection<String> keys) {
        Map<String, String> companies = new HashMap<>();
        List<Map<String, AttributeValue>> registrationKeys = keys.stream()
                .map(k -> SuiteTables.key(k, CustomerKeys.REGISTRATION_SK)).toList();
        for (Map<String, AttributeValue> item : batchGet(registrationKeys, "#pk, #company")) {
            companies.put(Attr.string(item, SuiteTables.PK), Attr.string(item, RegistrationRecord.COMPANY));
        }
        return companies;
    }

    /**
     * The items of these keys (eventually consistent, the admin's view), with {@code projection} when given. Keys
     * DynamoDB still leaves unprocessed after common's rounds are left out: the page shows what was read.
     */
    private List<Map<String, AttributeValue>> batchGet(List<Map<String, AttributeValue>> keys, String projection) {
        KeysAndAttributes.Builder how = KeysAndAttributes.builder();
        if (projection != null) {
            how.projectionExpression(projection).expressionAttributeNames(Map.of("#pk", SuiteTables.PK,
                    "#company", RegistrationRecord.COMPANY));
        }
        return BatchReads.read(dynamo, table, keys, how.build(), BatchReads.ROUNDS).items();
    }

    private static void add(Map<String, Row> found, List<CustomerRecord> customers, String matchedBy) {
        customers.forEach(c -> found.putIfAbsent(c.key(), new Row(c, null, matchedBy)));
    }

    // ---------------------------------------------------------------- cursors and keys

    /** The position after {@code item}: its table keys, and its {@code gsi2} keys when paging through a product. */
    static String encodeCursor(Map<String, AttributeValue> item, boolean byProduct) {
        List<String> parts = new ArrayList<>(List.of(Attr.string(item, SuiteTables.PK),
                Attr.string(item, SuiteTables.SK)));
        if (byProduct) {
            parts.add(Attr.string(item, SuiteTables.GSI2_PK));
            parts.add(Attr.string(item, SuiteTables.GSI2_SK));
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(String.join("\n", parts)
                .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The DynamoDB start key of a cursor this class wrote for the same list (the product, or the whole table).
     *
     * @throws IllegalArgumentException for anything else
     */
    static Map<String, AttributeValue> decodeCursor(String cursor, String productCode) {
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\n", -1);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("That page link is not valid; start from the first page.");
        }
        int expected = productCode == null ? 2 : 4;
        if (cursor.length() > 2000 || parts.length != expected || !valid(parts[0])
                || !CustomerKeys.CUSTOMER_SK.equals(parts[1])
                || (productCode != null && (!(CustomerKeys.PRODUCT_PREFIX + productCode).equals(parts[2])
                        || !parts[0].equals(parts[3])))) {
            throw new IllegalArgumentException("That page link is not valid; start from the first page.");
        }
        Map<String, AttributeValue> key = new HashMap<>(SuiteTables.key(parts[0], parts[1]));
        if (productCode != null) {
            key.put(SuiteTables.GSI2_PK, Attr.s(parts[2]));
            key.put(SuiteTables.GSI2_SK, Attr.s(parts[3]));
        }
        return key;
    }

    /** Whether a string is shaped like a customer key. */
    static boolean valid(String key) {
        return key != null && key.length() <= 1024 && (key.startsWith(CustomerKeys.LICENSE_PREFIX)
                || key.startsWith(CustomerKeys.LEGACY_PREFIX));
    }

}

package io.mpsaas.sandbox.marketplace.catalog;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The simulated product catalog: thread-safe, keyed by product code, remembering the products it started with so a
 * simulator reset can return to them.
 */
public final class Catalog {

    /** Classpath location of the default catalog. */
    public static final String DEFAULT_RESOURCE = "/marketplace/default-catalog.json";

    private final Map<String, Product> products = new LinkedHashMap<>();
    private final List<Product> initial;

    public Catalog(Collection<Product> products) {
        for (Product p : products) {
            if (this.products.putIfAbsent(p.code(), p) != null) {
                throw new IllegalArgumentException("duplicate product code " + p.code());
            }
        }
        this.initial = List.copyOf(products);
    }

    /** The default catalog shipped with the sandbox (see {@code marketplace/default-catalog.json}). */
    public static Catalog defaultCatalog() {
        try (InputStream in = Catalog.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + DEFAULT_RESOURCE + " is missing");
            }
            return fromJson(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DEFAULT_RESOURCE, e);
        }
    }

    /** Loads a catalog from a JSON file: {@code {"products": [ ... ]}} or a bare array of products. */
    public static Catalog fromJson(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return fromJson(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read catalog " + file, e);
        }
    }

    /** Loads a catalog from JSON: {@code {"products": [ ... ]}} or a bare array of products. */
    public static Catalog fromJson(InputStream json) throws IOException {
        // A throwaway mapper: catalog loading happens once, before any simulator (and its own mapper) exists.
        ObjectMapper mapper = JsonMapper.builder()
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
        var tree = mapper.readTree(json);
        var array = tree.isArray() ? tree : tree.path("products");
        if (!array.isArray()) {
            throw new IllegalArgumentException("catalog JSON must be an array of products or {\"products\": [...]}");
        }
        List<Product> list = mapper.convertValue(array, new TypeReference<List<Product>>() { });
        return new Catalog(list);
    }

    public synchronized Optional<Product> find(String code) {
        return Optional.ofNullable(code == null ? null : products.get(code));
    }

    public synchronized List<Product> products() {
        return List.copyOf(products.values());
    }

    /** Adds a product; a product code can only be used once. */
    public synchronized Product add(Product product) {
        if (products.putIfAbsent(product.code(), product) != null) {
            throw new IllegalStateException("product " + product.code() + " already exists");
        }
        return product;
    }

    /** Forgets products added at runtime and restores the initial ones. */
    public synchronized void reset() {
        products.clear();
        for (Product p : initial) {
            products.put(p.code(), p);
        }
    }
}

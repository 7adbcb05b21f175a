package io.mpsaas.common.dynamo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

class TaggedTransactionTest {

    private static TransactWriteItem put(String pk) {
        return TransactWriteItem.builder().put(Put.builder().tableName("t")
                .item(Map.of("pk", Attr.s(pk), "sk", Attr.s("x"))).build()).build();
    }

    private static CancellationReason reason(String code) {
        return CancellationReason.builder().code(code).build();
    }

    @Test
    void refusals_nameTheTagOfTheActionAtEachReasonsIndex_andSkipNone() {
        // GIVEN three actions tagged a, b, c
        TaggedTransaction<String> tx = new TaggedTransaction<String>().add("a", put("1")).add("b", put("2"))
                .add("c", put("3"));
        Map<String, AttributeValue> old = Map.of("pk", Attr.s("3"), "fp", Attr.s("before"));
        TransactionCanceledException cancelled = TransactionCanceledException.builder().cancellationReasons(
                reason("None"), reason("TransactionConflict"),
                CancellationReason.builder().code("ConditionalCheckFailed").item(old).message("no").build()).build();

        // WHEN
        List<TaggedTransaction.Refusal<String>> refusals = tx.refusals(cancelled);

        // THEN b conflicted, c's condition failed and DynamoDB sent c's item back
        assertThat(refusals).extracting(TaggedTransaction.Refusal::tag).containsExactly("b", "c");
        assertThat(refusals.get(0).retryable()).isTrue();
        assertThat(refusals.get(0).conditionFailed()).isFalse();
        assertThat(refusals.get(0).item()).isEmpty();
        assertThat(refusals.get(1).conditionFailed()).isTrue();
        assertThat(refusals.get(1).item()).isEqualTo(old);
    }

    @Test
    void reasonsThatDoNotComeOnePerAction_rethrowTheCancellation() {
        TaggedTransaction<String> tx = new TaggedTransaction<String>().add("a", put("1")).add("b", put("2"));
        TransactionCanceledException cancelled = TransactionCanceledException.builder()
                .cancellationReasons(reason("ConditionalCheckFailed")).build();

        assertThatThrownBy(() -> tx.refusals(cancelled)).isSameAs(cancelled);
    }

    @Test
    void aTransaction_holdsAtMostDynamoDbsHundredActions() {
        TaggedTransaction<Integer> tx = new TaggedTransaction<>();
        for (int i = 0; i < TaggedTransaction.MAX_ACTIONS; i++) {
            tx.add(i, put(Integer.toString(i)));
        }

        assertThat(tx.size()).isEqualTo(100);
        assertThatThrownBy(() -> tx.add(100, put("100"))).isInstanceOf(IllegalStateException.class);
        assertThat(tx.tags()).hasSize(100).startsWith(0, 1).endsWith(99);
    }
}

/*
 * kafka-probe: measures and checks a Kafka broker through librdkafka, for scripts/bench-noida.sh and
 * by hand. Built by bench-noida.sh:  cc -O2 -o kafka-probe kafka-probe.c $(pkg-config --cflags --libs rdkafka)
 *
 *   kafka-probe produce BOOTSTRAP TOPIC COUNT SIZE idempotent|transactional [COMMIT_MS COMMIT_COUNT]
 *       COUNT records of SIZE bytes to partition 0 from one producer (linger.ms 5); a transactional
 *       producer commits every COMMIT_MS milliseconds or COMMIT_COUNT records (100, 10000), whichever
 *       comes first. Prints the time, records/s and MB/s.
 *   kafka-probe consume BOOTSTRAP TOPIC read_committed|read_uncommitted [print]
 *       reads partition 0 from the beginning to its end (the end-of-partition event); prints the count,
 *       time, end offset (with `print`, each record).
 *   kafka-probe watermarks BOOTSTRAP TOPIC read_committed|read_uncommitted
 *       rd_kafka_query_watermark_offsets of partition 0 with that isolation level.
 *   kafka-probe transactions BOOTSTRAP TOPIC TRANSACTIONAL_ID COMMITTED ABORTED OPEN
 *       commits COMMITTED records, aborts ABORTED, leaves OPEN in an open transaction and exits.
 *   kafka-probe late-commit BOOTSTRAP TOPIC TRANSACTIONAL_ID SECONDS
 *       produces 5 records in a transaction, waits SECONDS (restart the broker then), commits; prints
 *       the commit's result.
 *   kafka-probe create-compacted BOOTSTRAP TOPIC [SEGMENT_MS]
 *       CreateTopics with 1 partition and cleanup.policy=compact (with SEGMENT_MS: also segment.ms,
 *       min.cleanable.dirty.ratio 0.01, delete.retention.ms 100), then prints DescribeConfigs.
 *   kafka-probe keys BOOTSTRAP TOPIC KEYS ROUNDS [transactional]
 *       ROUNDS rounds that each write every one of KEYS keys once (a transaction per round).
 */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void fail(const char *what, const char *why) {
    fprintf(stderr, "kafka-probe: %s: %s\n", what, why);
    exit(1);
}

static void set(rd_kafka_conf_t *conf, const char *name, const char *value) {
    char error[512];
    if (rd_kafka_conf_set(conf, name, value, error, sizeof error) != RD_KAFKA_CONF_OK) fail(name, error);
}

static void check(const char *call, rd_kafka_error_t *error) {
    if (!error) return;
    fprintf(stderr, "kafka-probe: %s: %s (%s, fatal %d, abortable %d)\n", call, rd_kafka_error_string(error),
            rd_kafka_error_name(error), rd_kafka_error_is_fatal(error), rd_kafka_error_txn_requires_abort(error));
    exit(2);
}

static long delivered, failed;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *message, void *opaque) {
    (void)rk, (void)opaque;
    if (!message->err) delivered++;
    else if (failed++ < 5) fprintf(stderr, "kafka-probe: delivery: %s\n", rd_kafka_err2str(message->err));
}

static rd_kafka_t *new_producer(const char *bootstrap, const char *transactional_id) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    set(conf, "bootstrap.servers", bootstrap);
    set(conf, "enable.idempotence", "true");
    set(conf, "linger.ms", "5");
    set(conf, "batch.size", "1000000");
    set(conf, "queue.buffering.max.messages", "1000000");
    if (transactional_id) set(conf, "transactional.id", transactional_id);
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    char error[512];
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    if (!rk) fail("producer", error);
    if (transactional_id) check("init_transactions", rd_kafka_init_transactions(rk, 30000));
    return rk;
}

static void produce(rd_kafka_t *rk, const char *topic, const char *key, const void *value, size_t length) {
    for (;;) {
        rd_kafka_resp_err_t err = rd_kafka_producev(
            rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(0), RD_KAFKA_V_KEY(key, key ? strlen(key) : 0),
            RD_KAFKA_V_VALUE((void *)value, length), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            rd_kafka_poll(rk, 10);
            continue;
        }
        if (err) fail("produce", rd_kafka_err2str(err));
        return;
    }
}

static void produce_texts(rd_kafka_t *rk, const char *topic, const char *prefix, int count) {
    for (int i = 0; i < count; i++) {
        char value[64];
        int length = snprintf(value, sizeof value, "%s-%d", prefix, i);
        produce(rk, topic, NULL, value, (size_t)length);
    }
    rd_kafka_flush(rk, 30000); /* before an abort, so that it has records to abort */
}

static rd_kafka_t *new_consumer(const char *bootstrap, const char *isolation_level) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char group[64];
    snprintf(group, sizeof group, "kafka-probe-%d", (int)getpid());
    set(conf, "bootstrap.servers", bootstrap);
    set(conf, "group.id", group);
    set(conf, "enable.auto.commit", "false");
    set(conf, "enable.partition.eof", "true");
    set(conf, "isolation.level", isolation_level);
    set(conf, "fetch.max.bytes", "1048576");
    set(conf, "max.partition.fetch.bytes", "1048576");
    set(conf, "receive.message.max.bytes", "2147483647");
    char error[512];
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error);
    if (!rk) fail("consumer", error);
    rd_kafka_poll_set_consumer(rk);
    return rk;
}

static int command_produce(const char *bootstrap, const char *topic, int argc, char **argv) {
    if (argc < 3) fail("produce", "COUNT SIZE idempotent|transactional [COMMIT_MS COMMIT_COUNT]");
    long count = atol(argv[0]);
    size_t size = (size_t)atol(argv[1]);
    int transactional = !strcmp(argv[2], "transactional");
    double commit_ms = argc > 3 ? atof(argv[3]) : 100;
    long commit_count = argc > 4 ? atol(argv[4]) : 10000;
    char transactional_id[64];
    snprintf(transactional_id, sizeof transactional_id, "kafka-probe-%d", (int)getpid());
    rd_kafka_t *rk = new_producer(bootstrap, transactional ? transactional_id : NULL);
    char *value = malloc(size + 32);
    memset(value, 'x', size + 32);
    long commits = 0, in_transaction = 0;
    double start = now(), last_commit = start;
    if (transactional) check("begin_transaction", rd_kafka_begin_transaction(rk));
    for (long i = 0; i < count; i++) {
        value[snprintf(value, 32, "%ld ", i)] = 'x';
        produce(rk, topic, NULL, value, size);
        rd_kafka_poll(rk, 0);
        if (transactional && (++in_transaction >= commit_count || (now() - last_commit) * 1000 >= commit_ms)) {
            check("commit_transaction", rd_kafka_commit_transaction(rk, 60000));
            commits++, in_transaction = 0, last_commit = now();
            check("begin_transaction", rd_kafka_begin_transaction(rk));
        }
    }
    if (transactional) {
        check("commit_transaction", rd_kafka_commit_transaction(rk, 60000));
        commits++;
    } else {
        rd_kafka_flush(rk, 120000);
    }
    double took = now() - start;
    rd_kafka_poll(rk, 0);
    printf("produced %ld x %zu B (%s) in %.2f s: %.0f records/s, %.1f MB/s; delivered %ld, failed %ld, commits %ld\n",
           count, size, transactional ? "transactional" : "idempotent", took, count / took, count * size / took / 1e6,
           delivered, failed, commits);
    rd_kafka_destroy(rk);
    free(value);
    return failed ? 1 : 0;
}

static int command_consume(const char *bootstrap, const char *topic, int argc, char **argv) {
    if (argc < 1) fail("consume", "read_committed|read_uncommitted [print]");
    int print = argc > 1 && !strcmp(argv[1], "print");
    rd_kafka_t *rk = new_consumer(bootstrap, argv[0]);
    rd_kafka_topic_partition_list_t *assignment = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(assignment, topic, 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_assign(rk, assignment);
    long count = 0, bytes = 0;
    int64_t end = -1;
    double start = now();
    while (end < 0) {
        rd_kafka_message_t *message = rd_kafka_consumer_poll(rk, 1000);
        if (!message) {
            if (now() - start > 600) fail("consume", "no end of partition within 600 s");
            continue;
        }
        if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            end = message->offset;
        } else if (message->err) {
            fail("consume", rd_kafka_message_errstr(message));
        } else {
            if (print)
                printf("  %lld %.*s\n", (long long)message->offset, (int)(message->len > 60 ? 60 : message->len),
                       message->payload ? (const char *)message->payload : "");
            count++, bytes += (long)message->len;
        }
        rd_kafka_message_destroy(message);
    }
    double took = now() - start;
    printf("consumed %ld records (%ld B) %s in %.2f s: %.0f records/s; end of partition at offset %lld\n", count, bytes,
           argv[0], took, count / took, (long long)end);
    rd_kafka_topic_partition_list_destroy(assignment);
    rd_kafka_destroy(rk);
    return 0;
}

static int command_watermarks(const char *bootstrap, const char *topic, int argc, char **argv) {
    if (argc < 1) fail("watermarks", "read_committed|read_uncommitted");
    rd_kafka_t *rk = new_consumer(bootstrap, argv[0]);
    int64_t low = -1, high = -1;
    rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(rk, topic, 0, &low, &high, 10000);
    printf("watermarks %s: %s, low %lld, high %lld\n", argv[0], rd_kafka_err2str(err), (long long)low, (long long)high);
    rd_kafka_destroy(rk);
    return err ? 1 : 0;
}

static int command_transactions(const char *bootstrap, const char *topic, int argc, char **argv) {
    if (argc < 4) fail("transactions", "TRANSACTIONAL_ID COMMITTED ABORTED OPEN");
    rd_kafka_t *rk = new_producer(bootstrap, argv[0]);
    int committed = atoi(argv[1]), aborted = atoi(argv[2]), open = atoi(argv[3]);
    check("begin_transaction", rd_kafka_begin_transaction(rk));
    produce_texts(rk, topic, "committed", committed);
    check("commit_transaction", rd_kafka_commit_transaction(rk, 30000));
    check("begin_transaction", rd_kafka_begin_transaction(rk));
    produce_texts(rk, topic, "aborted", aborted);
    check("abort_transaction", rd_kafka_abort_transaction(rk, 30000));
    check("begin_transaction", rd_kafka_begin_transaction(rk));
    produce_texts(rk, topic, "open", open);
    printf("transactions: %d committed, %d aborted, %d left open (%ld delivered)\n", committed, aborted, open, delivered);
    fflush(stdout);
    _exit(0); /* no destroy: the transaction stays open */
}

static int command_late_commit(const char *bootstrap, const char *topic, int argc, char **argv) {
    if (argc < 2) fail("late-commit", "TRANSACTIONAL_ID SECONDS");
    rd_kafka_t *rk = new_producer(bootstrap, argv[0]);
    check("begin_transaction", rd_kafka_begin_transaction(rk));
    produce_texts(rk, topic, "late", 5);
    printf("5 records produced, committing in %s s\n", argv[1]);
    fflush(stdout);
    sleep((unsigned)atoi(argv[1]));
    rd_kafka_error_t *error = rd_kafka_commit_transaction(rk, 30000);
    if (error)
        printf("commit_transaction: %s (%s, fatal %d, abortable %d)\n", rd_kafka_error_string(error),
               rd_kafka_error_name(error), rd_kafka_error_is_fatal(error), rd_kafka_error_txn_requires_abort(error));
    else
        printf("commit_transaction: success\n");
    rd_kafka_destroy(rk);
    return 0;
}

static int command_create_compacted(const char *bootstrap, const char *topic, int argc, char **argv) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    set(conf, "bootstrap.servers", bootstrap);
    char error[512];
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    if (!rk) fail("admin client", error);
    rd_kafka_NewTopic_t *new_topic = rd_kafka_NewTopic_new(topic, 1, 1, error, sizeof error);
    rd_kafka_NewTopic_set_config(new_topic, "cleanup.policy", "compact");
    if (argc > 0) {
        rd_kafka_NewTopic_set_config(new_topic, "segment.ms", argv[0]);
        rd_kafka_NewTopic_set_config(new_topic, "min.cleanable.dirty.ratio", "0.01");
        rd_kafka_NewTopic_set_config(new_topic, "delete.retention.ms", "100");
    }
    rd_kafka_queue_t *queue = rd_kafka_queue_new(rk);
    rd_kafka_CreateTopics(rk, &new_topic, 1, NULL, queue);
    rd_kafka_event_t *event = rd_kafka_queue_poll(queue, 20000);
    size_t count;
    const rd_kafka_topic_result_t **topics =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count);
    for (size_t i = 0; i < count; i++)
        printf("CreateTopics %s: %s %s\n", rd_kafka_topic_result_name(topics[i]),
               rd_kafka_err2name(rd_kafka_topic_result_error(topics[i])),
               rd_kafka_topic_result_error_string(topics[i]) ? rd_kafka_topic_result_error_string(topics[i]) : "");
    rd_kafka_event_destroy(event);
    rd_kafka_ConfigResource_t *resource = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic);
    rd_kafka_DescribeConfigs(rk, &resource, 1, NULL, queue);
    event = rd_kafka_queue_poll(queue, 20000);
    const rd_kafka_ConfigResource_t **resources =
        rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(event), &count);
    for (size_t i = 0; i < count; i++) {
        size_t entries;
        const rd_kafka_ConfigEntry_t **configs = rd_kafka_ConfigResource_configs(resources[i], &entries);
        for (size_t j = 0; j < entries; j++) {
            const char *name = rd_kafka_ConfigEntry_name(configs[j]);
            if (strstr(name, "cleanup") || strstr(name, "segment.ms") || strstr(name, "dirty") || strstr(name, "delete.retention"))
                printf("  %s=%s\n", name, rd_kafka_ConfigEntry_value(configs[j]) ? rd_kafka_ConfigEntry_value(configs[j]) : "");
        }
    }
    rd_kafka_event_destroy(event);
    rd_kafka_ConfigResource_destroy(resource);
    rd_kafka_NewTopic_destroy(new_topic);
    rd_kafka_queue_destroy(queue);
    rd_kafka_destroy(rk);
    return 0;
}

static int command_keys(const char *bootstrap, const char *topic, int argc, char **argv) {
    if (argc < 2) fail("keys", "KEYS ROUNDS [transactional]");
    int keys = atoi(argv[0]), rounds = atoi(argv[1]);
    int transactional = argc > 2 && !strcmp(argv[2], "transactional");
    char transactional_id[64];
    snprintf(transactional_id, sizeof transactional_id, "kafka-probe-keys-%d", (int)getpid());
    rd_kafka_t *rk = new_producer(bootstrap, transactional ? transactional_id : NULL);
    for (int round = 0; round < rounds; round++) {
        if (transactional) check("begin_transaction", rd_kafka_begin_transaction(rk));
        for (int k = 0; k < keys; k++) {
            char key[32], value[64];
            snprintf(key, sizeof key, "key-%d", k);
            int length = snprintf(value, sizeof value, "key-%d:round-%d", k, round);
            produce(rk, topic, key, value, (size_t)length);
        }
        if (transactional) check("commit_transaction", rd_kafka_commit_transaction(rk, 30000));
    }
    rd_kafka_flush(rk, 30000);
    printf("keys: %d keys x %d rounds, %ld delivered, %ld failed\n", keys, rounds, delivered, failed);
    rd_kafka_destroy(rk);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 4) fail("usage", "kafka-probe COMMAND BOOTSTRAP TOPIC … (see the file's head)");
    const char *command = argv[1], *bootstrap = argv[2], *topic = argv[3];
    argc -= 4, argv += 4;
    if (!strcmp(command, "produce")) return command_produce(bootstrap, topic, argc, argv);
    if (!strcmp(command, "consume")) return command_consume(bootstrap, topic, argc, argv);
    if (!strcmp(command, "watermarks")) return command_watermarks(bootstrap, topic, argc, argv);
    if (!strcmp(command, "transactions")) return command_transactions(bootstrap, topic, argc, argv);
    if (!strcmp(command, "late-commit")) return command_late_commit(bootstrap, topic, argc, argv);
    if (!strcmp(command, "create-compacted")) return command_create_compacted(bootstrap, topic, argc, argv);
    if (!strcmp(command, "keys")) return command_keys(bootstrap, topic, argc, argv);
    fail("unknown command", command);
    return 2;
}

/*
 * binlogo's view of librdkafka, including its Kafka-protocol mock cluster.
 *
 * rd_kafka_producev is variadic and its rd_kafka_vu_t is a tagged union that is
 * awkward from Swift, so producing goes through the typed `static inline`
 * wrapper below, prefixed `crdkafka_`, which calls the non-variadic
 * rd_kafka_produceva. The mock cluster's variadic error push gets the same
 * treatment (`crdkafka_mock_push_delayed_response`). Nothing else lives in this file.
 */
#ifndef BINLOGO_CRDKAFKA_SHIM_H
#define BINLOGO_CRDKAFKA_SHIM_H

#include <stddef.h>
#include <stdint.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

/// Produce one message; the payload and key are copied by librdkafka.
///
/// `partition` is RD_KAFKA_PARTITION_UA to let the partitioner choose by key.
/// `headers` may be NULL; on success librdkafka takes ownership of it.
/// `opaque` comes back in the message's delivery report (`rkmessage->_private`).
/// Returns the error of the enqueue (RD_KAFKA_RESP_ERR__QUEUE_FULL when the local queue is full).
static inline rd_kafka_resp_err_t crdkafka_produce(rd_kafka_t *rk,
                                                    rd_kafka_topic_t *topic,
                                                    int32_t partition,
                                                    const void *key, size_t key_length,
                                                    const void *value, size_t value_length,
                                                    rd_kafka_headers_t *headers,
                                                    void *opaque) {
    rd_kafka_vu_t vus[7];
    size_t count = 0;
    vus[count].vtype = RD_KAFKA_VTYPE_RKT;
    vus[count++].u.rkt = topic;
    vus[count].vtype = RD_KAFKA_VTYPE_PARTITION;
    vus[count++].u.i32 = partition;
    vus[count].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
    vus[count++].u.i = RD_KAFKA_MSG_F_COPY;
    vus[count].vtype = RD_KAFKA_VTYPE_VALUE;
    vus[count].u.mem.ptr = (void *)value;
    vus[count++].u.mem.size = value_length;
    if (key != NULL) {
        vus[count].vtype = RD_KAFKA_VTYPE_KEY;
        vus[count].u.mem.ptr = (void *)key;
        vus[count++].u.mem.size = key_length;
    }
    vus[count].vtype = RD_KAFKA_VTYPE_OPAQUE;
    vus[count++].u.ptr = opaque;
    if (headers != NULL) {
        vus[count].vtype = RD_KAFKA_VTYPE_HEADERS;
        vus[count++].u.headers = headers;
    }
    rd_kafka_error_t *error = rd_kafka_produceva(rk, vus, count);
    if (error == NULL) return RD_KAFKA_RESP_ERR_NO_ERROR;
    rd_kafka_resp_err_t code = rd_kafka_error_code(error);
    rd_kafka_error_destroy(error);
    return code;
}

/// The mock broker `broker_id` answers its next request of `api_key` successfully but only after
/// `delay_ms`: a broker throttling its clients. Wraps the variadic
/// rd_kafka_mock_broker_push_request_error_rtts for one (error, rtt) pair.
static inline rd_kafka_resp_err_t crdkafka_mock_push_delayed_response(rd_kafka_mock_cluster_t *mcluster,
                                                                       int32_t broker_id,
                                                                       int16_t api_key,
                                                                       int delay_ms) {
    return rd_kafka_mock_broker_push_request_error_rtts(mcluster, broker_id, api_key, 1,
                                                        RD_KAFKA_RESP_ERR_NO_ERROR, delay_ms);
}

#endif

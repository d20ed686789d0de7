#define _POSIX_C_SOURCE 200809L

#include "common.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

uint64_t wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int parse_ulong(const char *text, unsigned long min, unsigned long max, unsigned long *out)
{
    if (text == NULL || !isdigit((unsigned char)text[0]))
        return -1;
    errno = 0;
    char *end = NULL;
    unsigned long value = strtoul(text, &end, 10);
    if (errno != 0 || *end != '\0' || value < min || value > max)
        return -1;
    *out = value;
    return 0;
}

int parse_positive_double(const char *text, double *out)
{
    if (text == NULL || text[0] == '\0')
        return -1;
    errno = 0;
    char *end = NULL;
    double value = strtod(text, &end);
    if (errno != 0 || *end != '\0' || !isfinite(value) || value <= 0)
        return -1;
    *out = value;
    return 0;
}

static const char *enum_name(const ProtobufCEnumDescriptor *descriptor, int value)
{
    const ProtobufCEnumValue *entry = protobuf_c_enum_descriptor_get_value(descriptor, value);
    return entry != NULL ? entry->name : "?";
}

const char *codec_name(Splatd__V1__Codec codec)
{
    return enum_name(&splatd__v1__codec__descriptor, codec);
}

const char *status_name(Splatd__V1__Status status)
{
    return enum_name(&splatd__v1__status__descriptor, status);
}

const char *drive_state_name(Splatd__V1__DriveState state)
{
    return enum_name(&splatd__v1__drive_state__descriptor, state);
}

const char *codec_short_name(Splatd__V1__Codec codec)
{
    switch (codec) {
    case SPLATD__V1__CODEC__CODEC_JPEG: return "jpeg";
    case SPLATD__V1__CODEC__CODEC_PNG: return "png";
    case SPLATD__V1__CODEC__CODEC_RAW: return "raw";
    case SPLATD__V1__CODEC__CODEC_H264: return "h264";
    default: return "bin";
    }
}

/* Looks `text` up among an enum's values, accepting the proto name ("CODEC_PNG") or the name
 * without the enum's prefix ("png"), in any case. */
static int parse_enum(const ProtobufCEnumDescriptor *descriptor, const char *prefix,
                      const char *text, int *out)
{
    size_t prefix_length = strlen(prefix);
    for (unsigned i = 0; i < descriptor->n_values; i++) {
        const char *name = descriptor->values[i].name;
        if (strcasecmp(text, name) == 0 ||
            (strncmp(name, prefix, prefix_length) == 0 && strcasecmp(text, name + prefix_length) == 0)) {
            *out = descriptor->values[i].value;
            return 0;
        }
    }
    return -1;
}

int parse_codec(const char *text, Splatd__V1__Codec *out)
{
    int value;
    if (parse_enum(&splatd__v1__codec__descriptor, "CODEC_", text, &value) != 0)
        return -1;
    *out = (Splatd__V1__Codec)value;
    return 0;
}

int parse_status(const char *text, Splatd__V1__Status *out)
{
    int value;
    if (parse_enum(&splatd__v1__status__descriptor, "STATUS_", text, &value) != 0)
        return -1;
    *out = (Splatd__V1__Status)value;
    return 0;
}

int multipart_recv(void *socket, multipart_t *message)
{
    return multipart_recv_flags(socket, message, 0);
}

int multipart_recv_nowait(void *socket, multipart_t *message)
{
    return multipart_recv_flags(socket, message, ZMQ_DONTWAIT);
}

int multipart_recv_flags(void *socket, multipart_t *message, int flags)
{
    message->count = 0;
    message->total = 0;
    zmq_msg_t overflow;  /* receives the frames past MULTIPART_MAX, which are dropped */
    int more = 1;
    while (more) {
        int keep = message->count < MULTIPART_MAX;
        zmq_msg_t *part = keep ? &message->frames[message->count] : &overflow;
        if (zmq_msg_init(part) != 0)
            goto fail;
        /* The parts of a message arrive together: only the first can find nothing yet. */
        if (zmq_msg_recv(part, socket, message->total == 0 ? flags : 0) < 0) {
            int saved = errno;
            zmq_msg_close(part);
            errno = saved;
            goto fail;
        }
        more = zmq_msg_more(part);
        message->total++;
        if (keep)
            message->count++;
        else
            zmq_msg_close(part);
    }
    return 0;

fail:;
    /* Only the first frame can time out (ZeroMQ delivers a message whole), so this is
     * normally reached with nothing kept. */
    int saved = errno;
    multipart_close(message);
    errno = saved;
    return -1;
}

const uint8_t *multipart_data(const multipart_t *message, size_t index, size_t *size)
{
    if (index >= message->count) {
        *size = 0;
        return NULL;
    }
    zmq_msg_t *part = (zmq_msg_t *)&message->frames[index];
    *size = zmq_msg_size(part);
    return zmq_msg_data(part);
}

void multipart_close(multipart_t *message)
{
    for (size_t i = 0; i < message->count; i++)
        zmq_msg_close(&message->frames[i]);
    message->count = 0;
    message->total = 0;
}

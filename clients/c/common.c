#define _POSIX_C_SOURCE 200809L

#include "common.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
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

/* ─── CURVE keys ──────────────────────────────────────────────────────────── */

/* Whether `text` is a 40-character Z85 key that decodes. */
static int z85_key_valid(const char *text)
{
    uint8_t decoded[32];
    return strlen(text) == CURVE_KEY_LENGTH && zmq_z85_decode(decoded, text) != NULL;
}

/* Copies the value of a `name = value` certificate line (quotes and blanks stripped) into
 * `out`; returns 0, or -1 when the value is not a valid Z85 key. */
static int zcert_value(const char *value, char out[CURVE_KEY_LENGTH + 1])
{
    while (*value == ' ' || *value == '\t')
        value++;
    size_t length = strcspn(value, "\r\n");
    while (length > 0 && (value[length - 1] == ' ' || value[length - 1] == '\t'))
        length--;
    if (length >= 2 && (value[0] == '"' || value[0] == '\'') && value[length - 1] == value[0]) {
        value++;
        length -= 2;
    }
    if (length != CURVE_KEY_LENGTH)
        return -1;
    memcpy(out, value, length);
    out[length] = '\0';
    return z85_key_valid(out) ? 0 : -1;
}

/* If `line` (leading blanks skipped) is `name = value`, returns the text after '='. */
static const char *zcert_field(const char *line, const char *name)
{
    size_t name_length = strlen(name);
    if (strncmp(line, name, name_length) != 0)
        return NULL;
    const char *rest = line + name_length;
    while (*rest == ' ' || *rest == '\t')
        rest++;
    return *rest == '=' ? rest + 1 : NULL;
}

int zcert_read(const char *path, char public_key[CURVE_KEY_LENGTH + 1], char secret_key[CURVE_KEY_LENGTH + 1],
               int *has_secret, char *error, size_t error_size)
{
    FILE *file = fopen(path, "r");
    if (file == NULL) {
        snprintf(error, error_size, "cannot open key file %s: %s", path, strerror(errno));
        return -1;
    }
    int has_public = 0, result = 0;
    *has_secret = 0;
    char line[1024];
    while (result == 0 && fgets(line, sizeof line, file) != NULL) {
        const char *text = line;
        while (*text == ' ' || *text == '\t')
            text++;
        if (*text == '#')
            continue;
        const char *value;
        if ((value = zcert_field(text, "public-key")) != NULL) {
            if (zcert_value(value, public_key) != 0) {
                snprintf(error, error_size, "the public-key in %s is not a valid %d-character Z85 key", path, CURVE_KEY_LENGTH);
                result = -1;
            }
            has_public = 1;
        } else if ((value = zcert_field(text, "secret-key")) != NULL) {
            if (zcert_value(value, secret_key) != 0) {
                snprintf(error, error_size, "the secret-key in %s is not a valid %d-character Z85 key", path, CURVE_KEY_LENGTH);
                result = -1;
            }
            *has_secret = 1;
        }
    }
    if (result == 0 && ferror(file)) {
        snprintf(error, error_size, "cannot read key file %s: %s", path, strerror(errno));
        result = -1;
    }
    fclose(file);
    if (result == 0 && !has_public) {
        snprintf(error, error_size, "%s is not a ZeroMQ certificate (no public-key line)", path);
        result = -1;
    }
    return result;
}

/* The server's public key from Z85 text or a certificate file; 0, or -1 with `error` set. */
static int server_key_read(const char *text, char out[CURVE_KEY_LENGTH + 1], char *error, size_t error_size)
{
    FILE *probe = fopen(text, "r");
    if (probe != NULL) {
        fclose(probe);
        char unused[CURVE_KEY_LENGTH + 1];
        int has_secret;
        return zcert_read(text, out, unused, &has_secret, error, error_size);
    }
    if (strlen(text) == CURVE_KEY_LENGTH) {
        if (!z85_key_valid(text)) {
            snprintf(error, error_size, "server key '%s' is not valid Z85", text);
            return -1;
        }
        memcpy(out, text, CURVE_KEY_LENGTH + 1);
        return 0;
    }
    snprintf(error, error_size, "server key '%s' is neither a %d-character Z85 key nor a readable certificate file",
             text, CURVE_KEY_LENGTH);
    return -1;
}

int curve_keys_load(curve_keys_t *keys, const char *prog, const char *secret_file, const char *server_key)
{
    memset(keys, 0, sizeof *keys);
    if (secret_file == NULL && server_key == NULL)
        return 0;
    if (secret_file == NULL || server_key == NULL) {
        fprintf(stderr, "%s: CURVE needs both -k CLIENT.key_secret and -K SERVER_KEY\n", prog);
        return -1;
    }
    char error[512];
    int has_secret;
    if (zcert_read(secret_file, keys->public_key, keys->secret_key, &has_secret, error, sizeof error) != 0) {
        fprintf(stderr, "%s: %s\n", prog, error);
        return -1;
    }
    if (!has_secret) {
        fprintf(stderr, "%s: %s holds no secret-key: it is a public certificate; give the client's .key_secret file\n",
                prog, secret_file);
        return -1;
    }
    char derived[CURVE_KEY_LENGTH + 1];
    if (zmq_curve_public(derived, keys->secret_key) != 0) {
        fprintf(stderr, "%s: this libzmq cannot do CURVE: %s\n", prog, zmq_strerror(errno));
        return -1;
    }
    if (strcmp(derived, keys->public_key) != 0) {
        fprintf(stderr, "%s: in %s the public-key does not belong to the secret-key\n", prog, secret_file);
        return -1;
    }
    if (server_key_read(server_key, keys->server_key, error, sizeof error) != 0) {
        fprintf(stderr, "%s: %s\n", prog, error);
        return -1;
    }
    keys->enabled = 1;
    return 0;
}

int curve_keys_apply(const curve_keys_t *keys, void *socket)
{
    if (!keys->enabled)
        return 0;
    if (zmq_setsockopt(socket, ZMQ_CURVE_SERVERKEY, keys->server_key, CURVE_KEY_LENGTH) != 0 ||
        zmq_setsockopt(socket, ZMQ_CURVE_PUBLICKEY, keys->public_key, CURVE_KEY_LENGTH) != 0 ||
        zmq_setsockopt(socket, ZMQ_CURVE_SECRETKEY, keys->secret_key, CURVE_KEY_LENGTH) != 0)
        return -1;
    return 0;
}

const char *curve_silence_hint(const curve_keys_t *keys)
{
    return keys->enabled ? "is splatd running there, and does it know this key? with CURVE an unknown key gets no reply"
                         : "is splatd running there? a daemon started with --curve-secret needs -k and -K";
}

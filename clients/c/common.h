/* Small helpers shared by the splatd C client tools: clocks, argument parsing, enum names
 * and multipart ZeroMQ receive. */
#ifndef SPLATD_C_COMMON_H
#define SPLATD_C_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include <zmq.h>

#include "splatd.pb-c.h"

/* Wall clock in microseconds since the Unix epoch (CLOCK_REALTIME): the daemon stamps its
 * *_us fields with the same clock, so values from one host can be subtracted. */
uint64_t wall_us(void);

/* Monotonic clock in milliseconds, for timeouts and pacing. */
int64_t mono_ms(void);

/* Parses a whole decimal number in [min, max]; returns 0 on success, -1 otherwise. */
int parse_ulong(const char *text, unsigned long min, unsigned long max, unsigned long *out);

/* Parses a positive decimal number (e.g. seconds, "1.5"); returns 0 on success, -1 otherwise. */
int parse_positive_double(const char *text, double *out);

/* The proto names of enum values ("CODEC_PNG", "STATUS_OK", …), or "?" for unknown ones. */
const char *codec_name(Splatd__V1__Codec codec);
const char *status_name(Splatd__V1__Status status);
const char *drive_state_name(Splatd__V1__DriveState state);

/* A short lower-case codec name ("jpeg", "png", "raw") and the matching file extension. */
const char *codec_short_name(Splatd__V1__Codec codec);

/* Parses "jpeg" / "png" / "raw" (or the proto names); returns 0 on success, -1 otherwise. */
int parse_codec(const char *text, Splatd__V1__Codec *out);

/* Parses a status name ("STATUS_INVALID_REQUEST" or "INVALID_REQUEST", any case). */
int parse_status(const char *text, Splatd__V1__Status *out);

/* ─── CURVE keys ──────────────────────────────────────────────────────────────
 * A daemon started with `splatd serve --curve-secret …` accepts only CURVE clients whose
 * public key is in its --clients folder. Keys are 40-character Z85 strings; key files are
 * ZeroMQ (CZMQ zcert) certificates as `splatctl keygen` and pyzmq's
 * zmq.auth.create_certificates write them: NAME.key (public-key) and NAME.key_secret
 * (public-key and secret-key), lines `public-key = "…"` with or without quotes. */
#define CURVE_KEY_LENGTH 40

typedef struct {
    int enabled;                               /* 0: plain connections, no keys set */
    char public_key[CURVE_KEY_LENGTH + 1];     /* this client's, Z85 */
    char secret_key[CURVE_KEY_LENGTH + 1];     /* this client's, Z85 */
    char server_key[CURVE_KEY_LENGTH + 1];     /* the daemon's public key, Z85 */
} curve_keys_t;

/* Reads a zcert certificate: its public key, and its secret key when the file has one
 * (`*has_secret` says). Returns 0, or -1 with a message naming the problem in `error`. */
int zcert_read(const char *path, char public_key[CURVE_KEY_LENGTH + 1], char secret_key[CURVE_KEY_LENGTH + 1],
               int *has_secret, char *error, size_t error_size);

/* Fills `keys` from the client's certificate `secret_file` (which must hold a secret-key) and
 * `server_key` (40 Z85 characters, or the path of the server's .key file); both NULL leaves
 * CURVE off. Returns 0, or -1 after printing "PROG: problem" on stderr. */
int curve_keys_load(curve_keys_t *keys, const char *prog, const char *secret_file, const char *server_key);

/* Makes `socket` a CURVE client of the daemon (call before zmq_connect); does nothing when
 * CURVE is off. Returns 0, or -1 with errno set. */
int curve_keys_apply(const curve_keys_t *keys, void *socket);

/* The hint a tool prints when the daemon stays silent: with CURVE an unknown key gets no reply. */
const char *curve_silence_hint(const curve_keys_t *keys);

/* One received multipart message: up to MULTIPART_MAX frames, each a zmq_msg_t (a frame
 * of a 16-camera rig in LAYOUT_VIEWS is topic, meta and 16 images). */
#define MULTIPART_MAX 18
typedef struct {
    size_t count;      /* frames kept (at most MULTIPART_MAX) */
    size_t total;      /* frames that arrived (more than count if the message was longer) */
    zmq_msg_t frames[MULTIPART_MAX];
} multipart_t;

/* Receives one whole multipart message from `socket` (blocking, subject to ZMQ_RCVTIMEO).
 * Returns 0 on success; -1 with errno set (EAGAIN on timeout, EINTR on a signal).
 * On success the caller must call multipart_close(). */
int multipart_recv(void *socket, multipart_t *message);

/* multipart_recv without waiting: -1 with errno EAGAIN when no message is queued. */
int multipart_recv_nowait(void *socket, multipart_t *message);

/* multipart_recv with zmq_msg_recv flags (ZMQ_DONTWAIT) for the first frame. */
int multipart_recv_flags(void *socket, multipart_t *message, int flags);

/* Frame `index` of a received message: its bytes and size. */
const uint8_t *multipart_data(const multipart_t *message, size_t index, size_t *size);

/* Releases the frames of a received message. */
void multipart_close(multipart_t *message);

#endif

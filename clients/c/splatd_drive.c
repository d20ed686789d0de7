/* splatd_drive: drives an avatar's jaw with a sine wave, as a tracker would.
 *
 *   splatd_drive [-r HZ] [-k CLIENT.key_secret -K SERVER_KEY] DRIVE_ENDPOINT AVATAR_ID SECONDS
 *
 * -k/-K talk CURVE to a daemon started with --curve-secret (a key it does not know never
 * connects: the frames are dropped without an error).
 *
 * Connects a PUB socket to the daemon's drive endpoint, waits 300 ms (PUB/SUB drops what is
 * sent before the connection is up: the "late joiner"), then publishes [AVATAR_ID][DriveFrame]
 * with ARKit `named` {"jawOpen": 0…1, one open-close cycle a second} at HZ (default 30) for
 * SECONDS. Exit status: 0 when every frame was handed to ZeroMQ, 1 when interrupted,
 * 2 for a usage error, 3 for a ZeroMQ error. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zmq.h>

#include "common.h"

enum { EXIT_DONE = 0, EXIT_INTERRUPTED = 1, EXIT_USAGE = 2, EXIT_ERROR = 3 };

#define LATE_JOINER_WAIT_MS 300
#define SINE_HZ 1.0
#define TWO_PI 6.283185307179586

static volatile sig_atomic_t interrupted = 0;

static void on_signal(int signal_number)
{
    (void)signal_number;
    interrupted = 1;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: splatd_drive [-r HZ] [-k CLIENT.key_secret -K SERVER_KEY] DRIVE_ENDPOINT AVATAR_ID SECONDS\n"
            "  publishes ARKit jawOpen following a 1 Hz sine to AVATAR_ID at HZ (default 30)\n"
            "  for SECONDS. -k/-K: CURVE keys (this client's .key_secret, the daemon's public\n"
            "  key as 40 Z85 characters or its .key file).\n"
            "example: splatd_drive tcp://127.0.0.1:5556 demo 5\n");
}

/* Sleeps until `start` + `offset_ns` on the monotonic clock; returns early on a signal. */
static void sleep_until(const struct timespec *start, int64_t offset_ns)
{
    int64_t ns = (int64_t)start->tv_nsec + offset_ns;
    struct timespec when = { .tv_sec = start->tv_sec + (time_t)(ns / 1000000000), .tv_nsec = (long)(ns % 1000000000) };
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &when, NULL) == EINTR && !interrupted) {
    }
}

int main(int argc, char **argv)
{
    double rate_hz = 30;
    int option;
    const char *secret_file = NULL, *server_key = NULL;
    while ((option = getopt(argc, argv, "+r:k:K:h")) != -1) {
        switch (option) {
        case 'k':
            secret_file = optarg;
            break;
        case 'K':
            server_key = optarg;
            break;
        case 'r':
            if (parse_positive_double(optarg, &rate_hz) != 0 || rate_hz > 1000) {
                fprintf(stderr, "splatd_drive: -r wants a rate in Hz (up to 1000), not '%s'\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    double seconds;
    if (argc - optind != 3 || parse_positive_double(argv[optind + 2], &seconds) != 0 || seconds > 86400) {
        usage(stderr);
        return EXIT_USAGE;
    }
    curve_keys_t curve;
    if (curve_keys_load(&curve, "splatd_drive", secret_file, server_key) != 0)
        return EXIT_USAGE;
    const char *endpoint = argv[optind];
    char *avatar_id = argv[optind + 1];
    size_t avatar_length = strlen(avatar_id);
    if (avatar_length == 0 || avatar_length > 64) {
        fprintf(stderr, "splatd_drive: avatar id must be 1...64 characters\n");
        return EXIT_USAGE;
    }

    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);

    /* The DriveFrame and its parts live on the stack; only the packed bytes are allocated. */
    Splatd__V1__ArkitValues__NamedEntry jaw = SPLATD__V1__ARKIT_VALUES__NAMED_ENTRY__INIT;
    jaw.key = "jawOpen";
    Splatd__V1__ArkitValues__NamedEntry *named[1] = { &jaw };
    Splatd__V1__ArkitValues arkit = SPLATD__V1__ARKIT_VALUES__INIT;
    arkit.n_named = 1;
    arkit.named = named;
    Splatd__V1__DriveFrame frame = SPLATD__V1__DRIVE_FRAME__INIT;
    frame.avatar_id = avatar_id;
    frame.values_case = SPLATD__V1__DRIVE_FRAME__VALUES_ARKIT;
    frame.arkit = &arkit;

    int result = EXIT_ERROR;
    uint8_t *buffer = NULL;
    uint64_t sent = 0;
    void *context = zmq_ctx_new();
    void *socket = NULL;
    if (context == NULL) {
        fprintf(stderr, "splatd_drive: zmq_ctx_new: %s\n", zmq_strerror(errno));
        return EXIT_ERROR;
    }
    socket = zmq_socket(context, ZMQ_PUB);
    if (socket == NULL) {
        fprintf(stderr, "splatd_drive: zmq_socket: %s\n", zmq_strerror(errno));
        goto done;
    }
    /* Let what is queued at the end go out, but never hang on a daemon that is gone. */
    int linger = 1000;
    if (zmq_setsockopt(socket, ZMQ_LINGER, &linger, sizeof linger) != 0 || curve_keys_apply(&curve, socket) != 0) {
        fprintf(stderr, "splatd_drive: zmq_setsockopt: %s\n", zmq_strerror(errno));
        goto done;
    }
    if (zmq_connect(socket, endpoint) != 0) {
        fprintf(stderr, "splatd_drive: cannot connect to '%s': %s\n", endpoint, zmq_strerror(errno));
        goto done;
    }

    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    sleep_until(&start, (int64_t)LATE_JOINER_WAIT_MS * 1000000);

    const uint64_t frames = (uint64_t)llround(seconds * rate_hz);
    const int64_t interval_ns = (int64_t)(1e9 / rate_hz);
    clock_gettime(CLOCK_MONOTONIC, &start);
    result = EXIT_DONE;
    for (uint64_t i = 0; i < frames && !interrupted; i++) {
        sleep_until(&start, (int64_t)i * interval_ns);
        if (interrupted)
            break;
        double t = (double)i / rate_hz;
        jaw.value = (float)(0.5 - 0.5 * cos(TWO_PI * SINE_HZ * t));
        frame.sequence = i + 1;
        frame.sender_time_us = wall_us();

        size_t size = splatd__v1__drive_frame__get_packed_size(&frame);
        uint8_t *grown = realloc(buffer, size > 0 ? size : 1);
        if (grown == NULL) {
            perror("splatd_drive: realloc");
            result = EXIT_ERROR;
            break;
        }
        buffer = grown;
        if (splatd__v1__drive_frame__pack(&frame, buffer) != size) {
            fprintf(stderr, "splatd_drive: packing a DriveFrame failed\n");
            result = EXIT_ERROR;
            break;
        }
        /* PUB never blocks: with no connection (yet) ZeroMQ drops the message. */
        if (zmq_send(socket, avatar_id, avatar_length, ZMQ_SNDMORE) != (int)avatar_length ||
            zmq_send(socket, buffer, size, 0) != (int)size) {
            if (errno == EINTR)
                break;
            fprintf(stderr, "splatd_drive: zmq_send: %s\n", zmq_strerror(errno));
            result = EXIT_ERROR;
            break;
        }
        sent++;
    }
    if (interrupted && result == EXIT_DONE)
        result = EXIT_INTERRUPTED;
    printf("sent %" PRIu64 " drive frames to %s at %g Hz (jawOpen sine)%s\n", sent, avatar_id, rate_hz,
           interrupted ? ", interrupted" : "");

done:
    if (socket != NULL && zmq_close(socket) != 0)
        fprintf(stderr, "splatd_drive: zmq_close: %s\n", zmq_strerror(errno));
    while (zmq_ctx_term(context) != 0 && errno == EINTR) {
    }
    free(buffer);
    return result;
}

/* splatd_watch: subscribes to one splatd stream and reports (optionally saves) its frames.
 *
 *   splatd_watch [-t TIMEOUT_S] [-l [-c CONTROL_ENDPOINT]] [-s PAUSE_S] [-k CLIENT.key_secret -K SERVER_KEY]
 *                FRAMES_ENDPOINT STREAM_ID COUNT [OUT_DIR]
 *
 * Receives ["frames/<STREAM_ID>"][FrameMeta][image] messages, prints one line per frame and,
 * with OUT_DIR, writes each image as OUT_DIR/<STREAM_ID>-<sequence>.<jpeg|png|raw>.
 *
 * Every frame, or only the newest: by default every frame is taken in order (a recorder);
 * ZeroMQ queues what the reader has not read yet, so a viewer that stalls then shows old
 * frames. -l (live) keeps only the newest: a receive high-water mark of 2 messages, set before
 * connecting, and on each receive every message already queued is taken (non-blocking) and all
 * frames but the newest dropped. H.264 frames depend on the one before: after a gap in
 * frame_sequence, -l skips frames up to the next keyframe and, with -c, sends request_keyframe
 * to the daemon's control endpoint so that one comes at once. -s pauses after each frame, as
 * a slow display would. -k/-K talk CURVE to a daemon started with --curve-secret (both
 * sockets); a key it does not know, or a stream the key's role may not watch, gets no frames.
 * Exit status: 0 when COUNT frames arrived within the timeout (default 10 s), 1 when they did
 * not (or the stream was closed), 2 for a usage error, 3 for a ZeroMQ or file error. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zmq.h>

#include "common.h"

enum { EXIT_DONE = 0, EXIT_INCOMPLETE = 1, EXIT_USAGE = 2, EXIT_ERROR = 3 };

static volatile sig_atomic_t interrupted = 0;

static void on_signal(int signal_number)
{
    (void)signal_number;
    interrupted = 1;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: splatd_watch [-t TIMEOUT_S] [-l [-c CONTROL_ENDPOINT]] [-s PAUSE_S]\n"
            "                    [-k CLIENT.key_secret -K SERVER_KEY] FRAMES_ENDPOINT STREAM_ID COUNT [OUT_DIR]\n"
            "  receives COUNT frames of stream STREAM_ID (topic \"frames/STREAM_ID\"), prints\n"
            "  sequence, size, codec, drive sequence and latency of each, and writes the images\n"
            "  to OUT_DIR if given. -t: give up after this many seconds (default 10).\n"
            "  -l: live, newest frame only (frames queued meanwhile are dropped; H.264 resumes at\n"
            "  a keyframe, requested on CONTROL_ENDPOINT with -c). -s: pause after each frame.\n"
            "  -k/-K: CURVE keys (this client's .key_secret, the daemon's public key as 40 Z85\n"
            "  characters or its .key file).\n"
            "exit status: 0 all COUNT frames arrived, 1 timeout or stream closed, 2 usage, 3 error\n"
            "example: splatd_watch tcp://127.0.0.1:5557 default 30 /tmp/frames\n");
}

/* Writes `size` bytes to `path`; returns 0 or -1 after printing the problem. */
static int write_file(const char *path, const uint8_t *data, size_t size)
{
    FILE *file = fopen(path, "wb");
    if (file == NULL) {
        fprintf(stderr, "splatd_watch: cannot create %s: %s\n", path, strerror(errno));
        return -1;
    }
    int ok = fwrite(data, 1, size, file) == size;
    if (fclose(file) != 0)
        ok = 0;
    if (!ok) {
        fprintf(stderr, "splatd_watch: writing %s failed: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Checks an image's size against what its FrameMeta says, where that can be told cheaply:
 * RAW is exactly width×height×3 bytes; PNG carries its size in the IHDR chunk. */
static const char *image_problem(const Splatd__V1__FrameMeta *meta, const uint8_t *image, size_t size)
{
    static const uint8_t png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    switch (meta->codec) {
    case SPLATD__V1__CODEC__CODEC_RAW:
        return (uint64_t)size == (uint64_t)meta->width * meta->height * 3 ? NULL : "RAW size is not width*height*3";
    case SPLATD__V1__CODEC__CODEC_PNG: {
        if (size < 24 || memcmp(image, png_signature, 8) != 0 || memcmp(image + 12, "IHDR", 4) != 0)
            return "not a PNG";
        uint32_t w = (uint32_t)image[16] << 24 | (uint32_t)image[17] << 16 | (uint32_t)image[18] << 8 | image[19];
        uint32_t h = (uint32_t)image[20] << 24 | (uint32_t)image[21] << 16 | (uint32_t)image[22] << 8 | image[23];
        return w == meta->width && h == meta->height ? NULL : "PNG size differs from FrameMeta";
    }
    case SPLATD__V1__CODEC__CODEC_JPEG:
        return size >= 2 && image[0] == 0xff && image[1] == 0xd8 ? NULL : "not a JPEG";
    default:
        return NULL;
    }
}

/* Whether a received message is a frame of our stream (the topic compared exactly). */
static int is_frame(const multipart_t *message, const char *topic, size_t topic_length)
{
    size_t size;
    const uint8_t *data = multipart_data(message, 0, &size);
    return message->total == 3 && size == topic_length && memcmp(data, topic, topic_length) == 0;
}

/* Handles an "events" message (returns 1 when it closes our stream); 0 for anything else. */
static int handle_event(const multipart_t *message, const char *stream_id, int *is_event)
{
    size_t sizes[2];
    const uint8_t *parts[2];
    for (size_t i = 0; i < 2; i++)
        parts[i] = multipart_data(message, i, &sizes[i]);
    *is_event = message->total == 2 && sizes[0] == 6 && memcmp(parts[0], "events", 6) == 0;
    if (!*is_event)
        return 0;
    Splatd__V1__Event *event = splatd__v1__event__unpack(NULL, sizes[1], parts[1]);
    int closed = event != NULL && event->body_case == SPLATD__V1__EVENT__BODY_STREAM_CLOSED &&
                 strcmp(event->stream_closed, stream_id) == 0;
    if (event == NULL)
        fprintf(stderr, "splatd_watch: an undecodable event (%zu bytes)\n", sizes[1]);
    else if (event->body_case == SPLATD__V1__EVENT__BODY_ERROR)
        fprintf(stderr, "splatd_watch: daemon error event: %s\n", event->error);
    if (event != NULL)
        splatd__v1__event__free_unpacked(event, NULL);
    return closed;
}

/* Sends request_keyframe {stream_id} on a DEALER socket (the reply is read and dropped later). */
static void request_keyframe(void *control, const char *stream_id, uint64_t request_id)
{
    Splatd__V1__RequestKeyframe body = SPLATD__V1__REQUEST_KEYFRAME__INIT;
    body.stream_id = (char *)stream_id;
    Splatd__V1__Request request = SPLATD__V1__REQUEST__INIT;
    request.request_id = request_id;
    request.version = 1;
    request.body_case = SPLATD__V1__REQUEST__BODY_REQUEST_KEYFRAME;
    request.request_keyframe = &body;
    uint8_t packed[256];
    size_t size = splatd__v1__request__get_packed_size(&request);
    if (size > sizeof packed)
        return;
    splatd__v1__request__pack(&request, packed);
    if (zmq_send(control, packed, size, ZMQ_DONTWAIT) < 0)
        fprintf(stderr, "splatd_watch: cannot send request_keyframe: %s\n", zmq_strerror(errno));
    char reply[512];
    while (zmq_recv(control, reply, sizeof reply, ZMQ_DONTWAIT) >= 0) {
    }
}

/* -l: a message that follows the previous one within this many milliseconds was queued (behind
 * the receive queue: the daemon's send queue, the socket buffers), not just sent. */
enum { DRAIN_SETTLE_MS = 5, DRAIN_LIMIT_MS = 500 };

int main(int argc, char **argv)
{
    double timeout_s = 10, pause_s = 0;
    int latest = 0;
    const char *control_endpoint = NULL;
    int option;
    const char *secret_file = NULL, *server_key = NULL;
    while ((option = getopt(argc, argv, "+t:lc:s:k:K:h")) != -1) {
        switch (option) {
        case 'k':
            secret_file = optarg;
            break;
        case 'K':
            server_key = optarg;
            break;
        case 'l':
            latest = 1;
            break;
        case 'c':
            control_endpoint = optarg;
            break;
        case 's':
            if (parse_positive_double(optarg, &pause_s) != 0 || pause_s > 3600) {
                fprintf(stderr, "splatd_watch: -s wants seconds, not '%s'\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 't':
            if (parse_positive_double(optarg, &timeout_s) != 0 || timeout_s > 86400) {
                fprintf(stderr, "splatd_watch: -t wants seconds, not '%s'\n", optarg);
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
    int positional = argc - optind;
    unsigned long count;
    if (positional < 3 || positional > 4 || parse_ulong(argv[optind + 2], 1, 1000000, &count) != 0) {
        usage(stderr);
        return EXIT_USAGE;
    }
    curve_keys_t curve;
    if (curve_keys_load(&curve, "splatd_watch", secret_file, server_key) != 0)
        return EXIT_USAGE;
    const char *endpoint = argv[optind];
    const char *stream_id = argv[optind + 1];
    const char *out_dir = positional == 4 ? argv[optind + 3] : NULL;

    char topic[128];
    if (stream_id[0] == '\0' || (size_t)snprintf(topic, sizeof topic, "frames/%s", stream_id) >= sizeof topic) {
        fprintf(stderr, "splatd_watch: stream id must be 1...64 characters\n");
        return EXIT_USAGE;
    }
    size_t topic_length = strlen(topic);

    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);

    int result = EXIT_ERROR;
    const char *stop_reason = "timed out";
    unsigned long received = 0, other_topics = 0, skipped = 0, keyframes_requested = 0;
    int awaiting_keyframe = 0, gap_seen = 0;
    int64_t keyframe_requested_ms = -1;
    void *control = NULL;
    uint64_t last_drive_sequence = 0, previous_frame_sequence = 0;
    void *context = zmq_ctx_new();
    void *socket = NULL;
    if (context == NULL) {
        fprintf(stderr, "splatd_watch: zmq_ctx_new: %s\n", zmq_strerror(errno));
        return EXIT_ERROR;
    }
    socket = zmq_socket(context, ZMQ_SUB);
    if (socket == NULL) {
        fprintf(stderr, "splatd_watch: zmq_socket: %s\n", zmq_strerror(errno));
        goto done;
    }
    int linger = 0, live_hwm = 2;
    /* -l: a small receive queue, set before connect (the high-water mark applies to the pipes
     * connect makes), so frames this viewer cannot show are dropped rather than queued. */
    if (latest && zmq_setsockopt(socket, ZMQ_RCVHWM, &live_hwm, sizeof live_hwm) != 0) {
        fprintf(stderr, "splatd_watch: zmq_setsockopt: %s\n", zmq_strerror(errno));
        goto done;
    }
    if (latest && control_endpoint != NULL) {
        control = zmq_socket(context, ZMQ_DEALER);
        if (control == NULL || zmq_setsockopt(control, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
            curve_keys_apply(&curve, control) != 0 || zmq_connect(control, control_endpoint) != 0) {
            fprintf(stderr, "splatd_watch: cannot connect to '%s': %s\n", control_endpoint, zmq_strerror(errno));
            goto done;
        }
    }
    if (zmq_setsockopt(socket, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
        zmq_setsockopt(socket, ZMQ_SUBSCRIBE, topic, topic_length) != 0 ||
        zmq_setsockopt(socket, ZMQ_SUBSCRIBE, "events", 6) != 0 || curve_keys_apply(&curve, socket) != 0) {
        fprintf(stderr, "splatd_watch: zmq_setsockopt: %s\n", zmq_strerror(errno));
        goto done;
    }
    if (zmq_connect(socket, endpoint) != 0) {
        fprintf(stderr, "splatd_watch: cannot connect to '%s': %s\n", endpoint, zmq_strerror(errno));
        goto done;
    }

    const int64_t deadline = mono_ms() + (int64_t)(timeout_s * 1000.0);
    result = EXIT_INCOMPLETE;
    while (received < count && !interrupted) {
        int64_t remaining = deadline - mono_ms();
        if (remaining <= 0)
            break;
        zmq_pollitem_t item = { .socket = socket, .events = ZMQ_POLLIN };
        int ready = zmq_poll(&item, 1, (long)remaining);
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "splatd_watch: zmq_poll: %s\n", zmq_strerror(errno));
            result = EXIT_ERROR;
            break;
        }
        if (ready == 0)
            continue;

        multipart_t buffers[2];
        int current = 0;
        multipart_t *next = &buffers[1];
        if (multipart_recv(socket, &buffers[0]) != 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            fprintf(stderr, "splatd_watch: receiving failed: %s\n", zmq_strerror(errno));
            result = EXIT_ERROR;
            break;
        }
        int closed = 0, is_event = 0;
        if (latest && is_frame(&buffers[0], topic, topic_length)) {
            /* Drain: take every message already queued, without waiting; the newest frame
             * wins. Queued messages flow in back to back as the queue makes room: go on while the
             * next one comes within DRAIN_SETTLE_MS (at most DRAIN_LIMIT_MS in all). */
            unsigned long drained = 0;
            int64_t drain_until = mono_ms() + DRAIN_LIMIT_MS;
            for (;;) {
                next = &buffers[1 - current];
                if (multipart_recv_nowait(socket, next) != 0) {
                    if (errno != EAGAIN || mono_ms() >= drain_until)
                        break;
                    zmq_pollitem_t settle = { .socket = socket, .events = ZMQ_POLLIN };
                    if (zmq_poll(&settle, 1, DRAIN_SETTLE_MS) <= 0)
                        break;
                    continue;
                }
                if (is_frame(next, topic, topic_length)) {
                    multipart_close(&buffers[current]);
                    current = 1 - current;
                    drained++;
                } else {
                    closed |= handle_event(next, stream_id, &is_event);
                    if (!is_event)
                        other_topics++;
                    multipart_close(next);
                }
            }
            skipped += drained;
            if (drained != 0)
                gap_seen = 1;
        }
        multipart_t *message = &buffers[current];
        if (closed) {
            multipart_close(message);
            stop_reason = "stream closed";
            break;
        }
        uint64_t received_us = wall_us();
        size_t sizes[3];
        const uint8_t *parts[3];
        for (size_t i = 0; i < 3; i++)
            parts[i] = multipart_data(message, i, &sizes[i]);

        /* Subscriptions are prefixes ("frames/cam" also gets "frames/cam2"): compare exactly. */
        if (handle_event(message, stream_id, &is_event)) {
            multipart_close(message);
            stop_reason = "stream closed";
            break;
        }
        if (is_event) {
            multipart_close(message);
            continue;
        }
        if (message->total < 3 || sizes[0] != topic_length || memcmp(parts[0], topic, topic_length) != 0) {
            other_topics++;
            multipart_close(message);
            continue;
        }
        Splatd__V1__FrameMeta *meta = splatd__v1__frame_meta__unpack(NULL, sizes[1], parts[1]);
        if (meta == NULL) {
            fprintf(stderr, "splatd_watch: undecodable FrameMeta (%zu bytes)\n", sizes[1]);
            multipart_close(message);
            result = EXIT_ERROR;
            break;
        }
        /* One image, or one per view (LAYOUT_VIEWS: meta->views images after the meta). */
        size_t views = meta->views > 1 ? meta->views : 1;
        if (message->total != 2 + views || message->count != message->total) {
            fprintf(stderr, "splatd_watch: frame %" PRIu64 " holds %zu images, its meta says %zu\n",
                    meta->frame_sequence, message->total - 2, views);
            splatd__v1__frame_meta__free_unpacked(meta, NULL);
            multipart_close(message);
            result = EXIT_ERROR;
            break;
        }
        if (latest && meta->codec == SPLATD__V1__CODEC__CODEC_H264) {
            /* A decoder can only go on from the frame before: after a gap, wait for a keyframe. */
            if (meta->keyframe) {
                awaiting_keyframe = 0;
                keyframe_requested_ms = -1;
            } else if (gap_seen || previous_frame_sequence == 0 || meta->frame_sequence != previous_frame_sequence + 1) {
                awaiting_keyframe = 1;
            }
            if (awaiting_keyframe) {
                if (control != NULL && (keyframe_requested_ms < 0 || mono_ms() - keyframe_requested_ms >= 1000)) {
                    request_keyframe(control, stream_id, ++keyframes_requested);
                    keyframe_requested_ms = mono_ms();
                }
                skipped++;
                gap_seen = 0;
                splatd__v1__frame_meta__free_unpacked(meta, NULL);
                multipart_close(message);
                continue;
            }
        }
        gap_seen = 0;
        received++;

        /* End-to-end latency is meaningful for the first frame showing a new drive frame;
         * "age" (tick shown → received here) for every frame. */
        char latency[48] = "-";
        if (meta->drive_sequence != 0 && meta->drive_sequence != last_drive_sequence &&
            meta->drive_sender_time_us != 0)
            snprintf(latency, sizeof latency, "%.1fms",
                     ((double)received_us - (double)meta->drive_sender_time_us) / 1000.0);
        last_drive_sequence = meta->drive_sequence;
        double age_ms = meta->frame_time_us != 0 ? ((double)received_us - (double)meta->frame_time_us) / 1000.0 : 0;
        uint64_t gap = previous_frame_sequence != 0 && meta->frame_sequence > previous_frame_sequence + 1
                           ? meta->frame_sequence - previous_frame_sequence - 1 : 0;
        previous_frame_sequence = meta->frame_sequence;

        printf("frame %" PRIu64 ": %" PRIu32 "x%" PRIu32 " %s %zu bytes avatar=%s drive_sequence=%" PRIu64
               " latency=%s age=%.1fms gaussians=%" PRIu32 "%s\n",
               meta->frame_sequence, meta->width, meta->height, codec_short_name(meta->codec), sizes[2],
               meta->avatar_id, meta->drive_sequence, latency, age_ms, meta->gaussians_visible,
               gap != 0 ? " (missed some)" : "");
        fflush(stdout);

        int failed = 0;
        if (strcmp(meta->stream_id, stream_id) != 0) {
            fprintf(stderr, "splatd_watch: frame for stream '%s' on topic %s\n", meta->stream_id, topic);
            failed = 1;
        }
        for (size_t v = 0; v < views && !failed; v++) {
            size_t size;
            const uint8_t *image = multipart_data(message, 2 + v, &size);
            const char *problem = image_problem(meta, image, size);
            if (problem != NULL) {
                fprintf(stderr, "splatd_watch: frame %" PRIu64 " view %zu: %s\n", meta->frame_sequence, v, problem);
                failed = 1;
            } else if (out_dir != NULL) {
                char path[4096], view[32] = "";
                if (views > 1)
                    snprintf(view, sizeof view, "-view%zu", v);
                if ((size_t)snprintf(path, sizeof path, "%s/%s-%06" PRIu64 "%s.%s", out_dir, stream_id,
                                     meta->frame_sequence, view, codec_short_name(meta->codec)) >= sizeof path) {
                    fprintf(stderr, "splatd_watch: output path too long\n");
                    failed = 1;
                } else if (write_file(path, image, size) != 0) {
                    failed = 1;
                }
            }
        }
        splatd__v1__frame_meta__free_unpacked(meta, NULL);
        multipart_close(message);
        if (failed) {
            result = EXIT_ERROR;
            break;
        }
        if (pause_s > 0) {
            struct timespec pause = { (time_t)pause_s, (long)((pause_s - (double)(time_t)pause_s) * 1e9) };
            while (nanosleep(&pause, &pause) != 0 && errno == EINTR && !interrupted) {
            }
        }
    }

    if (received == count) {
        result = EXIT_DONE;
        printf("received %lu frames of %s", received, stream_id);
        if (latest)
            printf(" (newest only: %lu skipped, %lu keyframes requested)", skipped, keyframes_requested);
        printf("\n");
    } else if (result == EXIT_INCOMPLETE) {
        fprintf(stderr, "splatd_watch: %s after %lu of %lu frames of %s (timeout %.1f s)%s%s\n",
                interrupted ? "interrupted" : stop_reason, received, count, stream_id, timeout_s,
                other_topics != 0 ? "; other topics arrived" : "",
                received == 0 && curve.enabled
                    ? "; with CURVE, a key the daemon does not know, or a stream its role may not watch, gets no frames"
                    : "");
    }

done:
    if (control != NULL)
        zmq_close(control);
    if (socket != NULL && zmq_close(socket) != 0)
        fprintf(stderr, "splatd_watch: zmq_close: %s\n", zmq_strerror(errno));
    while (zmq_ctx_term(context) != 0 && errno == EINTR) {
    }
    return result;
}

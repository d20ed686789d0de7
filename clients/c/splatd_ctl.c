/* splatd_ctl: sends one control Request to splatd over a DEALER socket and prints the Reply.
 *
 *   splatd_ctl [-t TIMEOUT_MS] [-e STATUS] [-k CLIENT.key_secret -K SERVER_KEY] CONTROL_ENDPOINT COMMAND [ARGS…]
 *
 * -k/-K talk CURVE to a daemon started with --curve-secret: a key it does not know gets no
 * reply at all (exit status 3), a request the key's role may not make STATUS_PERMISSION_DENIED.
 *
 * Exit status: 0 when a reply arrived with the expected status (STATUS_OK unless -e says
 * otherwise), 1 when it carried another status, 2 for a usage error, 3 when no valid reply
 * arrived (timeout, transport error, undecodable reply, request id not echoed). */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zmq.h>

#include "common.h"

enum { EXIT_EXPECTED = 0, EXIT_OTHER_STATUS = 1, EXIT_USAGE = 2, EXIT_NO_REPLY = 3 };

static void usage(FILE *out)
{
    fprintf(out,
            "usage: splatd_ctl [-t TIMEOUT_MS] [-e STATUS] [-k CLIENT.key_secret -K SERVER_KEY]\n"
            "                  CONTROL_ENDPOINT COMMAND [ARGS...]\n"
            "commands:\n"
            "  ping [PAYLOAD]                                  liveness, daemon version and clock\n"
            "  list_avatars                                    the avatars loaded\n"
            "  list_streams                                    the streams open\n"
            "  open_stream STREAM_ID [AVATAR_ID [WxH [CODEC [FPS [VIEWS]]]]]\n"
            "                                                  CODEC: jpeg, png or raw (default: the\n"
            "                                                  daemon's, 512x512 JPEG from avatar demo);\n"
            "                                                  VIEWS: stereo (both eyes side by side)\n"
            "                                                  or stereo-views (one image per eye)\n"
            "  close_stream STREAM_ID\n"
            "  get_status                                      avatars, streams and daemon counters\n"
            "  garbage [TEXT]                                  sends bytes that are not a Request\n"
            "options:\n"
            "  -t TIMEOUT_MS   how long to wait for the reply (default 5000)\n"
            "  -e STATUS       the status that counts as success, e.g. STATUS_INVALID_REQUEST\n"
            "                  (default STATUS_OK)\n"
            "  -k FILE         CURVE: this client's certificate (NAME.key_secret)\n"
            "  -K KEY          CURVE: the daemon's public key, 40 Z85 characters or its .key file\n"
            "exit status: 0 expected status, 1 another status, 2 usage, 3 no valid reply\n"
            "example: splatd_ctl tcp://127.0.0.1:5555 open_stream side demo 256x256 png\n");
}

/* ─── Building the request ─────────────────────────────────────────────────── */

/* Every sub-message a request may point to, on the stack of main(): the Request refers to
 * them, so nothing is heap-allocated and nothing needs freeing. */
typedef struct {
    Splatd__V1__Request request;
    Splatd__V1__Ping ping;
    Splatd__V1__ListAvatars list_avatars;
    Splatd__V1__ListStreams list_streams;
    Splatd__V1__OpenStream open_stream;
    Splatd__V1__Stereo stereo;
    Splatd__V1__CloseStream close_stream;
    Splatd__V1__GetStatus get_status;
} request_parts_t;

static int parse_size(const char *text, uint32_t *width, uint32_t *height)
{
    char *x = strchr(text, 'x');
    if (x == NULL)
        return -1;
    char number[16];
    size_t length = (size_t)(x - text);
    if (length == 0 || length >= sizeof number)
        return -1;
    memcpy(number, text, length);
    number[length] = '\0';
    unsigned long w, h;
    if (parse_ulong(number, 1, UINT32_MAX, &w) != 0 || parse_ulong(x + 1, 1, UINT32_MAX, &h) != 0)
        return -1;
    *width = (uint32_t)w;
    *height = (uint32_t)h;
    return 0;
}

/* Fills `parts` for COMMAND ARGS; returns 0, or -1 after printing what is wrong. */
static int build_request(request_parts_t *parts, const char *command, int argc, char **argv)
{
    Splatd__V1__Request *request = &parts->request;
    splatd__v1__request__init(request);
    request->version = 1;

    if (strcmp(command, "ping") == 0 && argc <= 1) {
        splatd__v1__ping__init(&parts->ping);
        const char *payload = argc == 1 ? argv[0] : "splatd_ctl";
        parts->ping.payload.data = (uint8_t *)payload;
        parts->ping.payload.len = strlen(payload);
        request->body_case = SPLATD__V1__REQUEST__BODY_PING;
        request->ping = &parts->ping;
    } else if (strcmp(command, "list_avatars") == 0 && argc == 0) {
        splatd__v1__list_avatars__init(&parts->list_avatars);
        request->body_case = SPLATD__V1__REQUEST__BODY_LIST_AVATARS;
        request->list_avatars = &parts->list_avatars;
    } else if (strcmp(command, "list_streams") == 0 && argc == 0) {
        splatd__v1__list_streams__init(&parts->list_streams);
        request->body_case = SPLATD__V1__REQUEST__BODY_LIST_STREAMS;
        request->list_streams = &parts->list_streams;
    } else if (strcmp(command, "open_stream") == 0 && argc >= 1 && argc <= 6) {
        Splatd__V1__OpenStream *open = &parts->open_stream;
        splatd__v1__open_stream__init(open);
        open->stream_id = argv[0];
        open->avatar_id = argc >= 2 ? argv[1] : "demo";
        if (argc >= 3 && parse_size(argv[2], &open->width, &open->height) != 0) {
            fprintf(stderr, "splatd_ctl: size '%s' is not WIDTHxHEIGHT (e.g. 256x256)\n", argv[2]);
            return -1;
        }
        if (argc >= 4 && parse_codec(argv[3], &open->codec) != 0) {
            fprintf(stderr, "splatd_ctl: codec '%s' is not jpeg, png or raw\n", argv[3]);
            return -1;
        }
        if (argc >= 5) {
            double fps;
            if (parse_positive_double(argv[4], &fps) != 0) {
                fprintf(stderr, "splatd_ctl: fps '%s' is not a positive number\n", argv[4]);
                return -1;
            }
            open->fps = (float)fps;
        }
        if (argc >= 6) {
            if (strcmp(argv[5], "stereo") != 0 && strcmp(argv[5], "stereo-views") != 0) {
                fprintf(stderr, "splatd_ctl: views '%s' is not stereo or stereo-views\n", argv[5]);
                return -1;
            }
            splatd__v1__stereo__init(&parts->stereo);  /* ipd 0: the daemon's 63 mm */
            open->stereo = &parts->stereo;
            if (strcmp(argv[5], "stereo-views") == 0)
                open->layout = SPLATD__V1__LAYOUT__LAYOUT_VIEWS;
        }
        request->body_case = SPLATD__V1__REQUEST__BODY_OPEN_STREAM;
        request->open_stream = open;
    } else if (strcmp(command, "close_stream") == 0 && argc == 1) {
        splatd__v1__close_stream__init(&parts->close_stream);
        parts->close_stream.stream_id = argv[0];
        request->body_case = SPLATD__V1__REQUEST__BODY_CLOSE_STREAM;
        request->close_stream = &parts->close_stream;
    } else if (strcmp(command, "get_status") == 0 && argc == 0) {
        splatd__v1__get_status__init(&parts->get_status);
        request->body_case = SPLATD__V1__REQUEST__BODY_GET_STATUS;
        request->get_status = &parts->get_status;
    } else {
        fprintf(stderr, "splatd_ctl: unknown command or wrong arguments: %s\n", command);
        usage(stderr);
        return -1;
    }
    return 0;
}

/* ─── Printing the reply ───────────────────────────────────────────────────── */

static void print_stream_info(const char *indent, const Splatd__V1__StreamInfo *s)
{
    printf("%sstream %s: avatar=%s topic=%s %" PRIu32 "x%" PRIu32 " fps=%g codec=%s quality=%" PRIu32 "\n",
           indent, s->stream_id, s->avatar_id, s->topic, s->width, s->height, (double)s->fps,
           codec_name(s->codec), s->quality);
}

static void print_avatar_info(const char *indent, const Splatd__V1__AvatarInfo *a)
{
    const ProtobufCEnumValue *kind =
        protobuf_c_enum_descriptor_get_value(&splatd__v1__avatar_kind__descriptor, a->kind);
    printf("%savatar %s: kind=%s gaussians=%" PRIu32 " path=%s\n", indent, a->avatar_id,
           kind != NULL ? kind->name : "?", a->gaussians, a->path);
}

static void print_daemon_status(const Splatd__V1__DaemonStatus *d)
{
    printf("daemon: version=%s uptime=%.1fs requests=%" PRIu64 " malformed_requests=%" PRIu64
           " drive_frames_malformed=%" PRIu64 " cpu=%.2fs rss=%.1fMiB render_threads=%" PRIu32 "\n",
           d->version, d->uptime_seconds, d->requests, d->malformed_requests,
           d->drive_frames_malformed, d->cpu_seconds, (double)d->rss_bytes / (1024.0 * 1024.0),
           d->render_threads);
    printf("security: curve=%s auth_denied=%" PRIu64 " requests_denied=%" PRIu64 " subscriptions_refused=%" PRIu64
           " drive_denied=%" PRIu64 " viewer_disconnects=%" PRIu64 "\n",
           d->curve ? "yes" : "no", d->auth_denied, d->requests_denied, d->subscriptions_refused, d->drive_denied,
           d->viewer_disconnects);
    for (size_t i = 0; i < d->n_avatars; i++) {
        const Splatd__V1__AvatarStatus *a = d->avatars[i];
        printf("  avatar %s: drive=%s received=%" PRIu64 " rejected=%" PRIu64
               " out_of_order=%" PRIu64 " last_sequence=%" PRIu64 " rate=%.1fHz\n",
               a->info != NULL ? a->info->avatar_id : "?", drive_state_name(a->drive_state),
               a->drive_frames_received, a->drive_frames_rejected, a->drive_frames_out_of_order,
               a->last_drive_sequence, a->drive_rate_hz);
    }
    for (size_t i = 0; i < d->n_streams; i++) {
        const Splatd__V1__StreamStatus *s = d->streams[i];
        const Splatd__V1__StreamInfo *info = s->info;
        printf("  stream %s: avatar=%s %" PRIu32 "x%" PRIu32 " %s subscribers=%" PRIu32
               " rendered=%" PRIu64 " sent=%" PRIu64 " skipped=%" PRIu64 " fps=%.1f",
               info != NULL ? info->stream_id : "?", info != NULL ? info->avatar_id : "?",
               info != NULL ? info->width : 0, info != NULL ? info->height : 0,
               info != NULL ? codec_name(info->codec) : "?", s->subscribers, s->frames_rendered,
               s->frames_sent, s->frames_skipped, s->fps);
        if (s->latency_ms != NULL)
            printf(" latency_p50=%.1fms", s->latency_ms->p50);
        if (s->render_ms != NULL)
            printf(" render_p50=%.1fms", s->render_ms->p50);
        printf("\n");
    }
}

static void print_reply(const Splatd__V1__Reply *reply, int64_t round_trip_ms)
{
    printf("reply: request_id=%" PRIu64 " status=%s round_trip=%" PRId64 "ms\n", reply->request_id,
           status_name(reply->status), round_trip_ms);
    if (reply->error != NULL && reply->error[0] != '\0')
        printf("error: %s\n", reply->error);
    switch (reply->body_case) {
    case SPLATD__V1__REPLY__BODY_PONG: {
        const Splatd__V1__Pong *pong = reply->pong;
        /* The daemon read its clock about half a round trip ago. */
        double offset_ms = ((double)pong->time_us - (double)wall_us()) / 1000.0 + (double)round_trip_ms / 2.0;
        printf("pong: version=%s payload=\"%.*s\" time_us=%" PRIu64 " clock_offset=%.1fms\n",
               pong->version, (int)pong->payload.len, (const char *)pong->payload.data,
               pong->time_us, offset_ms);
        break;
    }
    case SPLATD__V1__REPLY__BODY_AVATAR:
        print_avatar_info("", reply->avatar);
        break;
    case SPLATD__V1__REPLY__BODY_AVATARS:
        printf("avatars: %zu\n", reply->avatars->n_avatars);
        for (size_t i = 0; i < reply->avatars->n_avatars; i++)
            print_avatar_info("  ", reply->avatars->avatars[i]);
        break;
    case SPLATD__V1__REPLY__BODY_STREAM:
        print_stream_info("", reply->stream);
        break;
    case SPLATD__V1__REPLY__BODY_STREAMS:
        printf("streams: %zu\n", reply->streams->n_streams);
        for (size_t i = 0; i < reply->streams->n_streams; i++)
            print_stream_info("  ", reply->streams->streams[i]);
        break;
    case SPLATD__V1__REPLY__BODY_DAEMON_STATUS:
        print_daemon_status(reply->daemon_status);
        break;
    default:
        break;
    }
}

/* ─── main ─────────────────────────────────────────────────────────────────── */

int main(int argc, char **argv)
{
    unsigned long timeout_ms = 5000;
    Splatd__V1__Status expected = SPLATD__V1__STATUS__STATUS_OK;
    int option;
    const char *secret_file = NULL, *server_key = NULL;
    while ((option = getopt(argc, argv, "+t:e:k:K:h")) != -1) {
        switch (option) {
        case 'k':
            secret_file = optarg;
            break;
        case 'K':
            server_key = optarg;
            break;
        case 't':
            if (parse_ulong(optarg, 1, 3600000, &timeout_ms) != 0) {
                fprintf(stderr, "splatd_ctl: -t wants milliseconds (1...3600000), not '%s'\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'e':
            if (parse_status(optarg, &expected) != 0) {
                fprintf(stderr, "splatd_ctl: unknown status '%s' (e.g. STATUS_INVALID_REQUEST)\n", optarg);
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
    if (argc - optind < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    curve_keys_t curve;
    if (curve_keys_load(&curve, "splatd_ctl", secret_file, server_key) != 0)
        return EXIT_USAGE;
    const char *endpoint = argv[optind];
    const char *command = argv[optind + 1];
    int command_argc = argc - optind - 2;
    char **command_argv = argv + optind + 2;

    /* The bytes to send: a packed Request, or (for "garbage") bytes that are not one. */
    int garbage = strcmp(command, "garbage") == 0;
    request_parts_t parts;
    uint8_t *packed = NULL;
    size_t packed_size = 0;
    uint64_t request_id = 0;
    if (garbage) {
        if (command_argc > 1) {
            usage(stderr);
            return EXIT_USAGE;
        }
        /* An over-long varint: no protobuf decoder accepts it. */
        static const char default_garbage[] = "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff not a Request";
        const char *text = command_argc == 1 ? command_argv[0] : default_garbage;
        packed_size = strlen(text);
        packed = malloc(packed_size > 0 ? packed_size : 1);
        if (packed == NULL) {
            perror("splatd_ctl: malloc");
            return EXIT_NO_REPLY;
        }
        memcpy(packed, text, packed_size);
    } else {
        if (build_request(&parts, command, command_argc, command_argv) != 0)
            return EXIT_USAGE;
        /* Any non-zero id works; this one differs between runs. */
        request_id = ((wall_us() << 16) ^ (uint64_t)getpid()) | 1u;
        parts.request.request_id = request_id;
        packed_size = splatd__v1__request__get_packed_size(&parts.request);
        packed = malloc(packed_size > 0 ? packed_size : 1);
        if (packed == NULL) {
            perror("splatd_ctl: malloc");
            return EXIT_NO_REPLY;
        }
        if (splatd__v1__request__pack(&parts.request, packed) != packed_size) {
            fprintf(stderr, "splatd_ctl: packing the request failed\n");
            free(packed);
            return EXIT_NO_REPLY;
        }
    }

    int result = EXIT_NO_REPLY;
    void *context = NULL, *socket = NULL;
    Splatd__V1__Reply *reply = NULL;
    multipart_t message = { .count = 0, .total = 0 };
    int have_message = 0;
    int timeout = (int)timeout_ms, linger = 0;

    context = zmq_ctx_new();
    if (context == NULL) {
        fprintf(stderr, "splatd_ctl: zmq_ctx_new: %s\n", zmq_strerror(errno));
        goto done;
    }
    socket = zmq_socket(context, ZMQ_DEALER);
    if (socket == NULL) {
        fprintf(stderr, "splatd_ctl: zmq_socket: %s\n", zmq_strerror(errno));
        goto done;
    }
    if (zmq_setsockopt(socket, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
        zmq_setsockopt(socket, ZMQ_RCVTIMEO, &timeout, sizeof timeout) != 0 ||
        zmq_setsockopt(socket, ZMQ_SNDTIMEO, &timeout, sizeof timeout) != 0 ||
        curve_keys_apply(&curve, socket) != 0) {
        fprintf(stderr, "splatd_ctl: zmq_setsockopt: %s\n", zmq_strerror(errno));
        goto done;
    }
    if (zmq_connect(socket, endpoint) != 0) {
        fprintf(stderr, "splatd_ctl: cannot connect to '%s': %s\n", endpoint, zmq_strerror(errno));
        goto done;
    }

    int64_t sent_ms = mono_ms();
    if (zmq_send(socket, packed, packed_size, 0) != (int)packed_size) {
        fprintf(stderr, "splatd_ctl: sending to %s failed: %s\n", endpoint, zmq_strerror(errno));
        goto done;
    }
    if (multipart_recv(socket, &message) != 0) {
        if (errno == EAGAIN)
            fprintf(stderr, "splatd_ctl: no reply from %s within %lu ms (%s)\n",
                    endpoint, timeout_ms, curve_silence_hint(&curve));
        else
            fprintf(stderr, "splatd_ctl: receiving from %s failed: %s\n", endpoint, zmq_strerror(errno));
        goto done;
    }
    have_message = 1;
    int64_t round_trip_ms = mono_ms() - sent_ms;
    if (message.total != 1) {
        fprintf(stderr, "splatd_ctl: expected a one-frame reply, got %zu frames\n", message.total);
        goto done;
    }
    size_t reply_size;
    const uint8_t *reply_bytes = multipart_data(&message, 0, &reply_size);
    reply = splatd__v1__reply__unpack(NULL, reply_size, reply_bytes);
    if (reply == NULL) {
        fprintf(stderr, "splatd_ctl: the reply (%zu bytes) is not a valid Reply\n", reply_size);
        goto done;
    }
    print_reply(reply, round_trip_ms);
    /* A reply to undecodable bytes cannot know the request id: the daemon sends 0. */
    if (reply->request_id != request_id) {
        fprintf(stderr, "splatd_ctl: reply carries request_id %" PRIu64 ", sent %" PRIu64 "\n",
                reply->request_id, request_id);
        goto done;
    }
    if (reply->status == expected) {
        result = EXIT_EXPECTED;
    } else {
        fprintf(stderr, "splatd_ctl: status %s, expected %s\n", status_name(reply->status),
                status_name(expected));
        result = EXIT_OTHER_STATUS;
    }

done:
    if (reply != NULL)
        splatd__v1__reply__free_unpacked(reply, NULL);
    if (have_message)
        multipart_close(&message);
    if (socket != NULL && zmq_close(socket) != 0)
        fprintf(stderr, "splatd_ctl: zmq_close: %s\n", zmq_strerror(errno));
    if (context != NULL) {
        while (zmq_ctx_term(context) != 0 && errno == EINTR) {
        }
    }
    free(packed);
    return result;
}

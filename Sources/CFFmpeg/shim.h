// FFmpeg 5.1 (Debian 12: libavcodec-dev libavformat-dev libavutil-dev libswresample-dev
// libswscale-dev). The headers live in /usr/include/<multiarch>/, which libavcodec.pc names.
#include <errno.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/samplefmt.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>

// Function-like macros Swift cannot import.

/// AVERROR(EAGAIN): the codec needs more input, or its output must be read first.
static inline int cffmpeg_error_again(void) { return AVERROR(EAGAIN); }
/// AVERROR_EOF: the codec has been drained.
static inline int cffmpeg_error_eof(void) { return AVERROR_EOF; }
/// AVERROR_ENCODER_NOT_FOUND.
static inline int cffmpeg_error_encoder_not_found(void) { return AVERROR_ENCODER_NOT_FOUND; }

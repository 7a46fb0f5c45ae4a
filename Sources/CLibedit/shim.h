// The few libedit calls Nianbao makes, as plain C functions Swift can call.
//
// libedit's el_wset, el_wget and history_w are C variadic functions, which Swift cannot
// import; each use gets a small fixed-signature wrapper here instead. Swift 6 also rejects
// C globals such as `stdin`, so those are wrapped too.
#ifndef NIANBAO_CLIBEDIT_SHIM_H
#define NIANBAO_CLIBEDIT_SHIM_H

#include <stdio.h>
#include <wchar.h>
#include <locale.h>
#include <signal.h>
#include <errno.h>
#include <pthread.h>
#include <unistd.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <histedit.h>

static inline FILE *nb_stdin(void) { return stdin; }
static inline FILE *nb_stdout(void) { return stdout; }
static inline FILE *nb_stderr(void) { return stderr; }

typedef wchar_t *(*nb_prompt_fn)(EditLine *);
typedef unsigned char (*nb_command_fn)(EditLine *, int);

static inline int nb_el_set_prompt(EditLine *el, nb_prompt_fn fn) {
    return el_wset(el, EL_PROMPT, fn);
}
static inline int nb_el_set_editor(EditLine *el, const wchar_t *mode) {
    return el_wset(el, EL_EDITOR, mode);
}
static inline int nb_el_set_history(EditLine *el, HistoryW *h) {
    return el_wset(el, EL_HIST, history_w, h);
}
static inline int nb_el_add_function(EditLine *el, const wchar_t *name,
                                     const wchar_t *help, nb_command_fn fn) {
    return el_wset(el, EL_ADDFN, name, help, fn);
}
static inline int nb_el_bind(EditLine *el, const wchar_t *key, const wchar_t *fn) {
    return el_wset(el, EL_BIND, key, fn, NULL);
}
/// Reads ~/.editrc (or $EDITRC) as libedit does; a missing file is not an error.
static inline int nb_el_source(EditLine *el) {
    return el_source(el, NULL);
}
/// Replaces libedit's character reader (see nb_read_byte).
static inline int nb_el_set_getc(EditLine *el, el_rfunc_t fn) {
    return el_wset(el, EL_GETCFN, fn);
}

/// Reads one byte of `fd` for the line editor: 1, 0 at the end of input, or -1 with errno
/// EINTR when Ctrl-C came first. libedit's own reader checks nothing before it blocks, so a
/// Ctrl-C typed just before the read began (type-ahead, pasted input) left the interrupt flag
/// set and cancelled the next command instead of the line. Here `interrupted` is asked with
/// SIGINT blocked, and pselect unblocks it only for the wait, atomically: a Ctrl-C that comes
/// in between ends the wait with EINTR.
static inline int nb_read_byte(int fd, unsigned char *byte, int (*interrupted)(void)) {
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    int result;
    if (interrupted()) {
        errno = EINTR;
        result = -1;
    } else {
        fd_set readable;
        FD_ZERO(&readable);
        FD_SET(fd, &readable);
        if (pselect(fd + 1, &readable, NULL, NULL, NULL, &old) < 0) {
            result = -1;
        } else {
            ssize_t n;
            do { n = read(fd, byte, 1); } while (n < 0 && errno == EINTR);
            result = n < 0 ? -1 : (int)n;
        }
    }
    int saved = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    errno = saved;
    return result;
}

static inline int nb_history_setsize(HistoryW *h, int size) {
    HistEventW ev;
    return history_w(h, &ev, H_SETSIZE, size);
}
static inline int nb_history_setunique(HistoryW *h, int unique) {
    HistEventW ev;
    return history_w(h, &ev, H_SETUNIQUE, unique);
}
static inline int nb_history_enter(HistoryW *h, const wchar_t *line) {
    HistEventW ev;
    return history_w(h, &ev, H_ENTER, line);
}
static inline int nb_history_load(HistoryW *h, const char *path) {
    HistEventW ev;
    return history_w(h, &ev, H_LOAD, path);
}
static inline int nb_history_save(HistoryW *h, const char *path) {
    HistEventW ev;
    return history_w(h, &ev, H_SAVE, path);
}

/// The kernel delivers a terminal's SIGINT to any thread of the process that does not block
/// it, often an idle worker left by a parallel load, and only that thread's blocking call is
/// interrupted. A handler running elsewhere passes the signal on to the main thread (whose
/// thread id is the process id), which reads the terminal: its read must see EINTR for Ctrl-C
/// at the prompt to discard the line. Both calls are async-signal-safe system calls.
static inline void nb_forward_signal_to_main_thread(int signo) {
    pid_t pid = getpid();
    if ((pid_t)syscall(SYS_gettid) != pid) syscall(SYS_tgkill, pid, pid, signo);
}

/// Installs `handler` for SIGINT *without* SA_RESTART, so that a blocking read inside
/// el_wgets returns and the shell can discard the line instead of exiting.
static inline int nb_install_sigint(void (*handler)(int)) {
    struct sigaction sa;
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    return sigaction(SIGINT, &sa, NULL);
}

#endif

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
static inline int nb_el_set_signal(EditLine *el, int on) {
    return el_wset(el, EL_SIGNAL, on);
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

# Vectra Guard for bash: `eval "$(vg shell-init bash)"` in ~/.bashrc.
# Enter first asks `vg explain` about the line: a low-risk line that needs no approval runs here as
# typed (cd, export, aliases and functions keep working); any other line becomes `vg exec -- bash -c LINE`,
# which sandboxes it, asks, or refuses it. Off while VG_OFF is non-empty, and for a line that starts
# with `VG_OFF=` or `export VG_OFF=`. The prompt shows [vg], or [vg off].
if [[ $- == *i* && -z ${__vg_shell_init-} ]]; then
    __vg_shell_init=1
    __vg_judge_line() {
        local line=$READLINE_LINE verdict
        [[ -n ${VG_OFF-} || -z ${line//[[:space:]]/} || $line == VG_OFF=* || $line == export[[:space:]]VG_OFF=* ]] && return
        verdict=$(command vg explain -- "$line" 2>/dev/null </dev/null)
        case $'\n'$verdict in
            *$'\n''risk:     low'$'\n'*)
                case $'\n'$verdict in *$'\n''decision: host '* | *$'\n''decision: sandbox '*) return ;; esac ;;
        esac
        printf -v READLINE_LINE 'vg exec -- bash -c %q' "$line"
        READLINE_POINT=${#READLINE_LINE}
    }
    for __vg_keymap in emacs vi-insert vi-command; do
        bind -m "$__vg_keymap" -x '"\C-x\C-v": __vg_judge_line'
        bind -m "$__vg_keymap" '"\C-x\C-a": accept-line'
        bind -m "$__vg_keymap" '"\C-m": "\C-x\C-v\C-x\C-a"'
        bind -m "$__vg_keymap" '"\C-j": "\C-x\C-v\C-x\C-a"'
    done
    unset __vg_keymap
    PS1='[vg${VG_OFF:+ off}] '$PS1
fi

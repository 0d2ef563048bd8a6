# Vectra Guard for zsh: `eval "$(vg shell-init zsh)"` in ~/.zshrc.
# Enter first asks `vg explain` about the line: a low-risk line that needs no approval runs here as
# typed (cd, export, aliases and functions keep working); any other line becomes `vg exec -- zsh -c LINE`,
# which sandboxes it, asks, or refuses it. Off while VG_OFF is non-empty, and for a line that starts
# with `VG_OFF=` or `export VG_OFF=`. The prompt shows [vg], or [vg off].
if [[ -o interactive ]] && (( ! ${+__vg_shell_init} )); then
    typeset -g __vg_shell_init=1
    __vg_accept_line() {
        emulate -L zsh
        local line=$BUFFER verdict
        if [[ -z ${VG_OFF-} && -n ${line//[[:space:]]/} && $line != VG_OFF=* && $line != export[[:space:]]VG_OFF=* ]]; then
            verdict=$(command vg explain -- "$line" 2>/dev/null </dev/null)
            if [[ $'\n'$verdict != *$'\n''risk:     low'$'\n'* || $'\n'$verdict != *$'\n''decision: '(host|sandbox)' '* ]]; then
                BUFFER="vg exec -- zsh -c ${(q)line}"
                CURSOR=${#BUFFER}
            fi
        fi
        zle .accept-line
    }
    zle -N accept-line __vg_accept_line
    setopt prompt_subst
    PROMPT='[vg${VG_OFF:+ off}] '$PROMPT
fi

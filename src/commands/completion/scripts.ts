/**
 * Shell completion scripts. They are thin: every TAB asks the program itself
 * (`platformctl __complete WORDS… CURRENT`), which walks the same commander tree that
 * parses the command line, so commands, flags, role names, and the companies and
 * members in the store are completed without the script ever going stale (the way gh
 * and other cobra programs do it). The answer is "value<TAB>description" lines and a
 * last line ":none", ":file" or ":dir".
 */

const bash = `# platformctl completion for bash.
# Load it now:          source <(platformctl completion bash)
# Load it in every shell: platformctl completion bash > ~/.local/share/bash-completion/completions/platformctl

_platformctl_completion() {
    local cur words cword
    if declare -F _get_comp_words_by_ref >/dev/null 2>&1; then
        # bash-completion: keep "--flag=value" and "host:port" in one word.
        _get_comp_words_by_ref -n =: cur words cword
    else
        words=("\${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        cur="\${COMP_WORDS[COMP_CWORD]}"
    fi
    local out
    out=$("\${words[0]}" __complete "\${words[@]:1:cword-1}" "$cur" 2>/dev/null) || return 0
    local directive=\${out##*$'\\n'}
    if [[ $out == *$'\\n'* ]]; then out=\${out%$'\\n'*}; else out=; fi
    COMPREPLY=()
    local line
    case $directive in
        :file)
            compopt -o filenames 2>/dev/null
            while IFS= read -r line; do COMPREPLY+=("$line"); done < <(compgen -f -- "$cur")
            return 0 ;;
        :dir)
            compopt -o filenames 2>/dev/null
            while IFS= read -r line; do COMPREPLY+=("$line"); done < <(compgen -d -- "$cur")
            return 0 ;;
    esac
    while IFS= read -r line; do
        [[ -n $line ]] || continue
        line=\${line%%$'\\t'*}
        # Company names may hold spaces: quote them unless the word is already quoted.
        if [[ $cur == [\\"\\']* ]]; then COMPREPLY+=("$line"); else COMPREPLY+=("$(printf '%q' "$line")"); fi
    done <<< "$out"
    if declare -F __ltrim_colon_completions >/dev/null 2>&1; then __ltrim_colon_completions "$cur"; fi
    return 0
}
complete -F _platformctl_completion platformctl
`;

const zsh = `#compdef platformctl
# platformctl completion for zsh.
# Load it now:          source <(platformctl completion zsh)
# Load it in every shell: platformctl completion zsh > "\${fpath[1]}/_platformctl"  (then restart zsh)

_platformctl() {
    local out directive line
    local -a lines described plain
    out=$("\${words[1]}" __complete "\${(@)words[2,CURRENT-1]}" "\${words[CURRENT]}" 2>/dev/null) || return 1
    lines=("\${(@f)out}")
    directive=\${lines[-1]}
    lines=("\${(@)lines[1,-2]}")
    case $directive in
        :file) _files; return ;;
        :dir) _files -/; return ;;
    esac
    for line in "\${lines[@]}"; do
        [[ -n $line ]] || continue
        if [[ $line == *$'\\t'* ]]; then
            described+=("\${\${line%%$'\\t'*}//:/\\\\:}:\${line#*$'\\t'}")
        else
            plain+=("$line")
        fi
    done
    (( \${#described} )) && _describe -t values 'platformctl' described
    (( \${#plain} )) && compadd -a plain
    return 0
}

if [[ "\${funcstack[1]}" == "_platformctl" ]]; then
    _platformctl "$@"
else
    compdef _platformctl platformctl
fi
`;

const fish = `# platformctl completion for fish.
# Load it now:          platformctl completion fish | source
# Load it in every shell: platformctl completion fish > ~/.config/fish/completions/platformctl.fish

function __platformctl_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l out ($tokens[1] __complete $tokens[2..-1] "$current" 2>/dev/null); or return
    set -l directive $out[-1]
    set -e out[-1]
    switch $directive
        case :file
            __fish_complete_path "$current"
        case :dir
            __fish_complete_directories "$current"
    end
    printf '%s\\n' $out
end

complete -c platformctl -f -a '(__platformctl_complete)'
`;

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** The completion script for a shell. */
export function completionScript(shell: Shell): string {
  return { bash, zsh, fish }[shell];
}

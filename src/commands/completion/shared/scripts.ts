/**
 * Shell completion scripts. They are thin: every TAB asks the program itself
 * (`platformctl __complete WORDS… CURRENT`), which walks the same commander tree that
 * parses the command line, so commands, flags, role names, and the companies and
 * members in the store are completed without the script ever going stale (the way gh
 * and other cobra programs do it). The answer is "value<TAB>description" lines and a
 * last line ":none", ":file" or ":dir".
 *
 * Company names and e-mails are chosen by other users, so the scripts guarantee that
 * TAB never inserts text the shell would expand ($(…), `…`, $var, !history, ~, globs)
 * or split, whatever quote the word was started with:
 * - the words are passed as the program will receive them (the shell's quoting
 *   removed, nothing expanded), and the values come back percent-encoded (see
 *   encodeValue in complete.ts), so a newline or a tab cannot split or cut one;
 * - bash quotes each value itself for the quote the word is in (none, "…", '…',
 *   $'…'), since readline inserts COMPREPLY as it is; zsh's compadd and fish quote
 *   what they insert themselves, and the scripts leave that to them;
 * - an operand that begins with "-" is offered only after "--" (complete.ts).
 * test/e2e/completion-shells.test.ts types hostile names into each shell in a pty.
 */

const bash = `# platformctl completion for bash.
# Load it now:          source <(platformctl completion bash)
# Load it in every shell: platformctl completion bash > ~/.local/share/bash-completion/completions/platformctl
#
# Every value is quoted here for the quote the word is in (none, "…", '…' or $'…'), so
# that nothing TAB inserts is ever expanded by the shell (no $(…), \`…\`, $var, !history,
# ~, globs): a company name is text anyone can choose.

# __platformctl_dequote WORD: sets REPLY to WORD as the program would receive it
# (quotes and backslashes removed, nothing expanded) and __platformctl_q to the quote
# still open at its end: ', ", $' or nothing.
__platformctl_dequote() {
    local word=$1 out= q= c n i
    # The escapes of $'…' (\\n, \\t, \\e, \\xHH, \\uHHHH, \\nnn…), decoded by printf %b.
    local ansi='^\\\\([abeEfnrtv]|x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{1,4}|U[0-9A-Fa-f]{1,8}|[0-7]{1,3})'
    for ((i = 0; i < \${#word}; i++)); do
        c=\${word:i:1} n=\${word:i+1:1}
        case $q in
        "'")
            if [[ $c == "'" ]]; then q=; else out+=$c; fi ;;
        '"')
            if [[ $c == '"' ]]; then q=
            elif [[ $c == '\\' && $n == [\\$\\\`\\"\\\\] ]]; then out+=$n; ((i++))
            else out+=$c; fi ;;
        "\\$'")
            if [[ $c == "'" ]]; then q=
            elif [[ $c == '\\' && $n == [\\'\\"?\\\\] ]]; then out+=$n; ((i++))
            elif [[ $c == '\\' && \${word:i} =~ $ansi ]]; then
                n=\${BASH_REMATCH[1]}
                # printf %b wants octal as \\0nnn.
                [[ $n == [0-7]* ]] && n=0$n
                printf -v n '%b' "\\\\$n"
                out+=$n
                ((i += \${#BASH_REMATCH[0]} - 1))
            else out+=$c; fi ;;
        *)
            if [[ $c == '\\' ]]; then out+=$n; ((i++))
            elif [[ $c == [\\'\\"] ]]; then q=$c
            elif [[ $c == '$' && $n == [\\'\\"] ]]; then q=$c$n; ((i++)); [[ $q == '$"' ]] && q='"'
            else out+=$c; fi ;;
        esac
    done
    REPLY=$out __platformctl_q=$q
}

# __platformctl_quote VALUE Q: sets REPLY to VALUE written so that, inserted after the
# open quote Q (', ", $' or none), the shell reads back exactly VALUE and expands nothing.
__platformctl_quote() {
    local value=$1 q=$2 out= c i
    if [[ -z $q ]]; then
        printf -v REPLY '%q' "$value"
        return
    fi
    for ((i = 0; i < \${#value}; i++)); do
        c=\${value:i:1}
        case $q in
        "'")
            case $c in
            "'") out+="'\\\\''" ;;
            [[:cntrl:]]) printf -v c '%q' "$c"; out+="'$c'" ;;
            *) out+=$c ;;
            esac ;;
        '"')
            case $c in
            [\\$\\\`\\"\\\\]) out+="\\\\$c" ;;
            # History expansion happens inside "…" too: only a backslash outside quotes stops it.
            '!') out+='"\\!"' ;;
            [[:cntrl:]]) printf -v c '%q' "$c"; out+="\\"$c\\"" ;;
            *) out+=$c ;;
            esac ;;
        *) # $'…'
            case $c in
            [\\'\\\\]) out+="\\\\$c" ;;
            [[:cntrl:]]) printf -v c '%q' "$c"; out+="'$c\\$'" ;;
            *) out+=$c ;;
            esac ;;
        esac
    done
    REPLY=$out
}

_platformctl_completion() {
    # COMP_WORDS is also split at COMP_WORDBREAKS (= : and others): glue back what the
    # line holds without blanks in between, so --company=Acme and a:b stay one word.
    local line=\${COMP_LINE:0:COMP_POINT} pos=0 i gap w
    local -a raw=()
    for ((i = 0; i <= COMP_CWORD; i++)); do
        w=\${line:pos}
        gap=\${w%%[![:space:]]*}
        ((pos += \${#gap}))
        if ((i < COMP_CWORD)); then
            w=\${COMP_WORDS[i]}
            [[ \${line:pos:\${#w}} == "$w" ]] || return 0
        else
            w=\${line:pos}
        fi
        if ((i > 0)) && [[ -z $gap ]]; then raw[\${#raw[@]}-1]+=$w; else raw+=("$w"); fi
        ((pos += \${#w}))
    done
    local -a args=()
    for w in "\${raw[@]}"; do
        __platformctl_dequote "$w"
        args+=("$REPLY")
    done
    # TAB replaces the end of the word readline chose ($2: after an open quote or a
    # COMP_WORDBREAKS character); what comes before stays as typed.
    local word=\${raw[\${#raw[@]}-1]}
    ((\${#2} <= \${#word})) || return 0
    local keep=\${word:0:\${#word}-\${#2}}
    [[ $keep$2 == "$word" ]] || return 0
    __platformctl_dequote "$keep"
    local kept=$REPLY quote=$__platformctl_q
    local cur=\${args[\${#args[@]}-1]}
    [[ \${cur:0:\${#kept}} == "$kept" ]] || return 0

    local out
    out=$("\${args[0]}" __complete "\${args[@]:1}" 2>/dev/null) || return 0
    local directive=\${out##*$'\\n'}
    if [[ $out == *$'\\n'* ]]; then out=\${out%$'\\n'*}; else out=; fi
    COMPREPLY=()
    case $directive in
    :file | :dir)
        # Readline quotes file names itself (-o filenames).
        compopt -o filenames 2>/dev/null
        local kind=-f
        [[ $directive == :dir ]] && kind=-d
        while IFS= read -r w; do COMPREPLY+=("$w"); done < <(compgen "$kind" -- "\${cur:\${#kept}}")
        return 0 ;;
    esac
    local value
    while IFS= read -r value; do
        [[ -n $value ]] || continue
        value=\${value%%$'\\t'*}
        # Values come percent-encoded (%, \\ and control characters), one per line.
        [[ $value == *%* ]] && printf -v value '%b' "\${value//\\%/\\\\x}"
        # Only what begins with the part of the word that stays can be inserted.
        [[ \${value:0:\${#kept}} == "$kept" ]] || continue
        __platformctl_quote "\${value:\${#kept}}" "$quote"
        COMPREPLY+=("$REPLY")
    done <<<"$out"
    return 0
}
complete -F _platformctl_completion platformctl
`;

const zsh = `#compdef platformctl
# platformctl completion for zsh.
# Load it now:          source <(platformctl completion zsh)
# Load it in every shell: platformctl completion zsh > "\${fpath[1]}/_platformctl"  (then restart zsh)
#
# Values are added with compadd, which quotes them for the quote the word is in, so
# nothing TAB inserts is ever expanded by the shell: a company name is text anyone can choose.

_platformctl() {
    local out directive line value q=$compstate[quote] cur
    local -a lines args described plain
    # The words as the program will receive them: quoting removed, nothing expanded.
    # PREFIX is the current word up to the cursor, after the quote it may have opened.
    args=("\${(@Q)words[2,CURRENT-1]}")
    cur=$q$PREFIX\${q#\\$}
    cur=\${(Q)cur}
    out=$("\${(Q)words[1]}" __complete "\${args[@]}" "$cur" 2>/dev/null) || return 1
    lines=("\${(@f)out}")
    directive=\${lines[-1]}
    lines=("\${(@)lines[1,-2]}")
    case $directive in
        :file) _files; return ;;
        :dir) _files -/; return ;;
    esac
    for line in "\${lines[@]}"; do
        [[ -n $line ]] || continue
        # Values come percent-encoded (%, \\ and control characters), one per line.
        value=\${line%%$'\\t'*}
        [[ $value == *%* ]] && printf -v value '%b' "\${value//\\%/\\\\x}"
        if [[ $line == *$'\\t'* ]]; then
            # _describe reads "value:description": escape \\ and : in the value.
            value=\${value//\\\\/\\\\\\\\}
            described+=("\${value//:/\\\\:}:\${line#*$'\\t'}")
        else
            plain+=("$value")
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
#
# fish quotes what it inserts for the quote the token is in, so nothing TAB inserts
# is ever expanded: a company name is text anyone can choose.

function __platformctl_complete
    # The words as the program will receive them: quoting removed, nothing expanded.
    set -l tokens (commandline -opc)
    set -l current (commandline -ct | string collect)
    set current (string unescape -- "$current" | string collect)
    set -l out ($tokens[1] __complete $tokens[2..-1] "$current" 2>/dev/null); or return
    set -l directive $out[-1]
    set -e out[-1]
    switch $directive
        case :file
            __fish_complete_path "$current"
            return
        case :dir
            __fish_complete_directories "$current"
            return
    end
    for line in $out
        set -l parts (string split -m 1 \\t -- $line)
        # Values come percent-encoded (%, \\ and control characters), one per line; a
        # tab or a newline cannot be carried in a fish completion: such values are left out.
        # (string unescape --style=url would refuse non-ASCII text.)
        string match -q -r -- '%0[9aAdD]' $parts[1]; and continue
        string match -q -- '*%*' $parts[1]
        and set parts[1] (printf %b (string replace -a -- % \\\\x $parts[1]) | string collect -a)
        printf '%s\\n' (string join \\t -- $parts)
    end
end

complete -c platformctl -f -a '(__platformctl_complete)'
`;

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** The completion script for a shell. */
export function completionScript(shell: Shell): string {
  return { bash, zsh, fish }[shell];
}

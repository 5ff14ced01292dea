# bash completion for ajsearch(1).
#
# Install: source this file from ~/.bashrc, or copy it to
# /usr/share/bash-completion/completions/ajsearch (loaded on first use).
# Works with plain bash 4 or later (complete, compgen, compopt, mapfile);
# the bash-completion package is not needed.
#
# The option lists mirror the optdefs[] table of src/cli/main.c and each
# command's --help; tests/cli/e2e_completion.py fails when they drift.

# Commands, as `ajsearch --help` lists them.  help takes a command name.
_ajsearch_commands="search show index status export analyze stats dump check acronyms serve help"

# Options that take a value in the next word (or after '='): the word that
# follows one of them is its value, not a command or a query word.
_ajsearch_valued=" --index --corpus --limit -n --offset --query-file --k1 --b --rank \
--proximity --heading --heading-hit --threads --memory --shard-size --context --keep --since --until \
--doc --source --facet --bind --port "

# The long and short options of a command, as its --help lists them, plus
# --help, which every command takes.  --color takes its value only after
# '=' (so that it never swallows a query word), hence the trailing '='.
_ajsearch_options() {
    case $1 in
    search)
        echo "-n --limit --offset --count --stdin --query-file --json --corpus --mark" \
             "--full --html --csv --cite-list --group --explain --no-correct --no-expand" \
             "--chrome --k1 --b --since --until --doc --source --facet --timeline" \
             "--rank= --proximity --heading --heading-hit --no-partial --color=" \
             "--index -h --help" ;;
    show) echo "--context --json --color= --index -h --help" ;;
    index)
        echo "--corpus --index --json --strict --wait --keep --threads --memory --shard-size" \
             "-h --help" ;;
    status) echo "--corpus --index --json --fingerprint -h --help" ;;
    export) echo "--index -h --help" ;;
    analyze) echo "--json -h --help" ;;
    stats | dump | acronyms) echo "--json --index -h --help" ;;
    check) echo "--strict --index -h --help" ;;
    serve) echo "--index --corpus --bind --port --threads -h --help" ;;
    esac
}

# Completes the value of option $1 from prefix $2; returns 1 when the
# option takes no value.
_ajsearch_value() {
    case $1 in
    --index | --corpus)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -d -- "$2") ;;
    --query-file)
        # a file, or - for standard input
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$2")
        [[ -z $2 || $2 == - ]] && COMPREPLY+=(-) ;;
    --rank) COMPREPLY=($(compgen -W "full bm25" -- "$2")) ;;
    --facet) COMPREPLY=($(compgen -W "year month date doc source" -- "$2")) ;;
    --timeline) COMPREPLY=($(compgen -W "year month" -- "$2")) ;;
    # dates, globs and texts: nothing sensible to offer
    --since | --until | --doc | --source) COMPREPLY=() ;;
    --color | --colour) COMPREPLY=($(compgen -W "auto always never" -- "$2")) ;;
    --memory) COMPREPLY=($(compgen -W "256M 512M 1G 2G" -- "$2")) ;;
    --shard-size) COMPREPLY=($(compgen -W "4M 8M 16M 64M off" -- "$2")) ;;
    --bind) COMPREPLY=($(compgen -W "127.0.0.1 ::1 0.0.0.0 ::" -- "$2")) ;;
    # numbers: nothing sensible to offer, and no file names either
    -n | --limit | --offset | --k1 | --b | --proximity | --heading | --heading-hit | \
    --threads | --context | --keep | --port) COMPREPLY=() ;;
    *) return 1 ;;
    esac
    return 0
}

_ajsearch() {
    local IFS=$' \t\n'
    local cword=$COMP_CWORD
    local cur=${COMP_WORDS[cword]}
    local -a words=("${COMP_WORDS[@]}")
    COMPREPLY=()

    # bash splits "--rank=bm" into "--rank" "=" "bm" (COMP_WORDBREAKS has
    # '='): glue such pieces back so that the rest sees "--rank=bm".
    if [[ $cur == = && $cword -ge 1 && ${words[cword-1]} == -* ]]; then
        cur="${words[cword-1]}="
        cword=$((cword - 1))
    elif [[ $cword -ge 2 && ${words[cword-1]} == = && ${words[cword-2]} == -* ]]; then
        cur="${words[cword-2]}=$cur"
        cword=$((cword - 2))
    fi

    # The command is the first word that is neither an option nor an
    # option's value, if it names a command; else the words are a search
    # query.  As in the command line, every word that starts with a dash
    # is passed over here (-korea too), and after "--" all are query words.
    local i w cmd= dashes=0 skip=0 word
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        if ((skip)); then
            skip=0
            continue
        fi
        word=0
        if ((dashes)); then
            word=1
        elif [[ $w == --?* && ${words[i + 1]} == = ]]; then
            ((i += 2)) # "--opt" "=" "value", as bash splits --opt=value
            continue
        else
            case $w in
            --) dashes=1 ;;
            -?*) [[ $_ajsearch_valued == *" $w "* ]] && skip=1 ;;
            *) word=1 ;;
            esac
        fi
        if ((word)) && [[ -z $cmd ]]; then
            # help is a command only as the first argument
            if ((!dashes)) && [[ " ${_ajsearch_commands% help} " == *" $w "* ||
                $w == help && $i -eq 1 ]]; then
                cmd=$w
            else
                cmd=search
            fi
        fi
    done
    # "--" before any command: a search
    ((dashes)) && [[ -z $cmd ]] && cmd=search

    # The value of the option before the cursor: "--index DIR", "-n 5".
    if ((skip)); then
        _ajsearch_value "${words[cword-1]}" "$cur" && return 0
    fi
    # "--rank=MODE", "--color=WHEN", "--index=DIR".
    if ((!dashes)) && [[ $cur == --*=* ]]; then
        local opt=${cur%%=*} val=${cur#*=} j
        _ajsearch_value "$opt" "$val" || return 0
        # bash replaces only what follows the '=' when it split there
        if [[ $COMP_WORDBREAKS != *=* ]]; then
            for j in "${!COMPREPLY[@]}"; do COMPREPLY[j]="$opt=${COMPREPLY[j]}"; done
        fi
        return 0
    fi

    if [[ $cmd == help ]]; then
        # help [COMMAND]: one command name, right after help
        ((cword == 2)) && COMPREPLY=($(compgen -W "${_ajsearch_commands% help}" -- "$cur"))
        return 0
    fi

    if ((!dashes)) && [[ $cur == -* ]]; then
        local opts
        if [[ -z $cmd ]]; then
            # before any command: the search options, and --version
            opts="$(_ajsearch_options search) --version"
        else
            opts=$(_ajsearch_options "$cmd")
        fi
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        # "--color=" waits for its value: no space after it
        [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
        return 0
    fi

    if [[ -z $cmd ]]; then
        # help names a command only as the first argument
        local cmds=$_ajsearch_commands
        ((cword == 1)) || cmds=${cmds% help}
        COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
        return 0
    fi

    case $cmd in
    export)
        # export DIR: the destination, a directory that does not exist yet
        # or is empty
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
    search | analyze)
        # query words and texts are free; paths are what a shell offers
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
    *) ;; # show ID, and commands that take no words
    esac
    return 0
}

complete -F _ajsearch ajsearch

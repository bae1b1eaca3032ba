import { Terminal } from "@xterm/xterm";
import { FitAddon } from "@xterm/addon-fit";

window.PlaygroundXterm = { Terminal, FitAddon };

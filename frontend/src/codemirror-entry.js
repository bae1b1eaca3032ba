import { EditorView, basicSetup } from "codemirror";
import { EditorState } from "@codemirror/state";
import { keymap } from "@codemirror/view";
import { yaml } from "@codemirror/lang-yaml";
import { linter, lintGutter, setDiagnostics } from "@codemirror/lint";
import { indentWithTab } from "@codemirror/commands";

window.PlaygroundCodeMirror = {
  EditorView, EditorState, basicSetup, keymap, yaml, linter, lintGutter, setDiagnostics,
  indentWithTab,
};

"""`kubectl <verb> --help`: kubectl's one-line description and usage line for each command
the playground offers (texts from kubectl's own help, abridged: no examples or flag list)."""

from __future__ import annotations

HELP = {
    "get": ("Display one or many resources.",
            "kubectl get [(-o|--output=)json|yaml|name|go-template|go-template-file|template|"
            "templatefile|jsonpath|jsonpath-as-json|jsonpath-file|custom-columns|"
            "custom-columns-file|wide] (TYPE[.VERSION][.GROUP] [NAME | -l label] | "
            "TYPE[.VERSION][.GROUP]/NAME ...) [flags] [options]"),
    "describe": ("Show details of a specific resource or group of resources.",
                 "kubectl describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME) "
                 "[options]"),
    "apply": ("Apply a configuration to a resource by file name or stdin.",
              "kubectl apply (-f FILENAME | -k DIRECTORY) [options]"),
    "create": ("Create a resource from a file or from stdin.",
               "kubectl create -f FILENAME [options]"),
    "delete": ("Delete resources by file names, stdin, resources and names, or by resources and "
               "label selector.",
               "kubectl delete ([-f FILENAME] | [-k DIRECTORY] | TYPE [(NAME | -l label | "
               "--all)]) [options]"),
    "scale": ("Set a new size for a deployment, replica set, or replication controller.",
              "kubectl scale [--resource-version=version] [--current-replicas=count] "
              "--replicas=COUNT (-f FILENAME | TYPE NAME) [options]"),
    "set": ("Configure application resources.", "kubectl set SUBCOMMAND [options]"),
    "label": ("Update the labels on a resource.",
              "kubectl label [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N "
              "[--resource-version=version] [options]"),
    "annotate": ("Update the annotations on one or more resources.",
                 "kubectl annotate [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... "
                 "KEY_N=VAL_N [--resource-version=version] [options]"),
    "patch": ("Update fields of a resource using strategic merge patch, a JSON merge patch, or a "
              "JSON patch.",
              "kubectl patch (-f FILENAME | TYPE NAME) [-p PATCH|--patch-file FILE] [options]"),
    "rollout": ("Manage the rollout of one or many resources.",
                "kubectl rollout SUBCOMMAND [options]"),
    "cordon": ("Mark node as unschedulable.", "kubectl cordon NODE [options]"),
    "uncordon": ("Mark node as schedulable.", "kubectl uncordon NODE [options]"),
    "drain": ("Drain node in preparation for maintenance.", "kubectl drain NODE [options]"),
    "logs": ("Print the logs for a container in a pod or specified resource.",
             "kubectl logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER] [options]"),
    "version": ("Print the client and server version information for the current context.",
                "kubectl version [flags] [options]"),
    "api-resources": ("Print the supported API resources on the server.",
                      "kubectl api-resources [flags] [options]"),
    "cluster-info": ("Display addresses of the control plane and services with label "
                     "kubernetes.io/cluster-service=true.",
                     "kubectl cluster-info [flags] [options]"),
}


def help_text(verb: str) -> str:
    short, usage = HELP.get(verb, (f"kubectl {verb}", f"kubectl {verb} [flags] [options]"))
    return (f"{short}\n\nUsage:\n  {usage}\n\n"
            'Use "kubectl options" for a list of global command-line options (applies to all '
            "commands).")


ROLLOUT_HELP = """Manage the rollout of one or many resources.

 Valid resource types include:

  *  deployments
  *  daemonsets
  *  statefulsets

Available Commands:
  history       View rollout history
  pause         Mark the provided resource as paused
  restart       Restart a resource
  resume        Resume a paused resource
  status        Show the status of the rollout
  undo          Undo a previous rollout

Usage:
  kubectl rollout SUBCOMMAND [options]

Use "kubectl rollout <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands)."""

SET_HELP = """Configure application resources.

 These commands help you make changes to existing application resources.

Available Commands:
  image            Update the image of a pod template

Usage:
  kubectl set SUBCOMMAND [options]

Use "kubectl set <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands)."""

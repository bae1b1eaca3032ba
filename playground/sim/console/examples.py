"""The k8s.io/examples manifests the Kubernetes tutorials apply by URL
(`kubectl apply -f https://k8s.io/examples/application/deployment.yaml`).

The playground has no internet: these few documents (as the kubernetes/website repository's
content/en/examples serves them) are answered locally, under both the k8s.io short link and
the raw GitHub address; any other URL fails as kubectl's resource builder reports an HTTP 404
(cli-runtime resource/visitor.go readHttpWithRetries).
"""

from __future__ import annotations

from .common import CommandError

_NGINX_DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
spec:
  selector:
    matchLabels:
      app: nginx
  replicas: {replicas}
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: {image}
        ports:
        - containerPort: 80
"""

EXAMPLES = {
    "application/deployment.yaml": _NGINX_DEPLOYMENT.format(replicas=2, image="nginx:1.14.2"),
    "application/deployment-update.yaml": _NGINX_DEPLOYMENT.format(replicas=2,
                                                                   image="nginx:1.16.1"),
    "application/deployment-scale.yaml": _NGINX_DEPLOYMENT.format(replicas=4,
                                                                  image="nginx:1.16.1"),
    "service/networking/run-my-nginx.yaml": """apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-nginx
spec:
  selector:
    matchLabels:
      run: my-nginx
  replicas: 2
  template:
    metadata:
      labels:
        run: my-nginx
    spec:
      containers:
      - name: my-nginx
        image: nginx
        ports:
        - containerPort: 80
""",
    "service/networking/nginx-svc.yaml": """apiVersion: v1
kind: Service
metadata:
  name: my-nginx
  labels:
    run: my-nginx
spec:
  ports:
  - port: 80
    protocol: TCP
  selector:
    run: my-nginx
""",
    "application/web/web.yaml": """apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: "nginx"
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.21
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 1Gi
""",
    "admin/dns/dnsutils.yaml": """apiVersion: v1
kind: Pod
metadata:
  name: dnsutils
  namespace: default
spec:
  containers:
  - name: dnsutils
    image: registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3
    command:
      - sleep
      - "infinity"
    imagePullPolicy: IfNotPresent
  restartPolicy: Always
""",
}

PREFIXES = ("https://k8s.io/examples/", "http://k8s.io/examples/",
            "https://raw.githubusercontent.com/kubernetes/website/main/content/en/examples/")


def is_url(name: str) -> bool:
    return name.startswith(("http://", "https://"))


def fetch(url: str) -> str:
    for prefix in PREFIXES:
        if url.startswith(prefix) and url[len(prefix):] in EXAMPLES:
            return EXAMPLES[url[len(prefix):]]
    raise CommandError(f'error: unable to read URL "{url}", server reported 404 Not Found, '
                       "status code=404")

"""The botocore patch sitecustomize applies once botocore.session is imported.

botocore 1.31 and later read AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_<SERVICE>) themselves;
older ones, such as Debian's boto3 1.26, do not, so for those every client created without an
endpoint_url is given AWS_ENDPOINT_URL. Either way S3 clients default to path-style addressing,
since bucket-name subdomains of evoke's address do not resolve.
"""

import os


def _reads_endpoint_from_environment():
    import botocore.configprovider

    return hasattr(botocore.configprovider, "ConfiguredEndpointProvider")


def _has_addressing_style(session, config):
    if config is not None and config.s3 and "addressing_style" in config.s3:
        return True
    try:
        return "addressing_style" in (session.get_scoped_config().get("s3") or {})
    except Exception:
        return False


def patch(module):
    session_class = module.Session
    if getattr(session_class.create_client, "_evoke_patched", False):
        return
    original = session_class.create_client
    supply_endpoint = not _reads_endpoint_from_environment()

    def create_client(self, service_name, *args, **kwargs):
        if len(args) < 5 and kwargs.get("endpoint_url") is None and supply_endpoint:
            endpoint = os.environ.get("AWS_ENDPOINT_URL")
            if endpoint:
                kwargs["endpoint_url"] = endpoint
        if service_name == "s3" and len(args) < 9:
            config = kwargs.get("config")
            if not _has_addressing_style(self, config):
                from botocore.config import Config

                s3 = dict((config.s3 or {}) if config is not None else {}, addressing_style="path")
                path_style = Config(s3=s3)
                kwargs["config"] = config.merge(path_style) if config is not None else path_style
        return original(self, service_name, *args, **kwargs)

    create_client._evoke_patched = True
    create_client.__wrapped__ = original
    create_client.__doc__ = original.__doc__
    session_class.create_client = create_client

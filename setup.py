"Package set-up read from `settings.ini` (nbdev 2 layout); uses `packaging`, not `pkg_resources`."
import shlex
from configparser import ConfigParser

import setuptools
from packaging.requirements import Requirement
from packaging.version import Version

# note: all settings are in settings.ini; edit there, not here
config = ConfigParser(delimiters=['='])
config.read('settings.ini', encoding='utf-8')
cfg = config['DEFAULT']

cfg_keys = 'version description keywords author author_email'.split()
expected = cfg_keys + 'lib_name user branch license status min_python audience language'.split()
for o in expected: assert o in cfg, f'missing expected setting: {o}'
setup_cfg = {o: cfg[o] for o in cfg_keys}
Version(cfg['version'])  # fail early on a malformed version

licenses = {
    'apache2': ('Apache Software License 2.0', 'OSI Approved :: Apache Software License'),
    'mit': ('MIT License', 'OSI Approved :: MIT License'),
    'bsd3': ('BSD License', 'OSI Approved :: BSD License'),
}
statuses = ['0 - Pre-Planning', '1 - Planning', '2 - Pre-Alpha', '3 - Alpha',
            '4 - Beta', '5 - Production/Stable', '6 - Mature', '7 - Inactive']
py_versions = '3.10 3.11 3.12 3.13'.split()

def reqs(key):
    "Requirement strings of `key` in settings.ini, each checked by `packaging`."
    out = shlex.split(cfg.get(key, ''))
    for r in out: Requirement(r)
    return out

requirements = reqs('requirements') + reqs('pip_requirements')
serve_requirements = reqs('serve_requirements')  # ica serve
export_requirements = reqs('export_requirements')  # ica export --format onnx
dev_requirements = reqs('dev_requirements') + serve_requirements + export_requirements + reqs('export_test_requirements')  # the tests serve, export, and run the exports
min_python = cfg['min_python']
lic = licenses.get(cfg['license'].lower(), (cfg['license'], None))

setuptools.setup(
    name=cfg['lib_name'],
    license=lic[0],
    classifiers=[
        'Development Status :: ' + statuses[int(cfg['status'])],
        'Intended Audience :: ' + cfg['audience'].title(),
        'Natural Language :: ' + cfg['language'].title(),
    ] + ['Programming Language :: Python :: ' + o for o in py_versions[py_versions.index(min_python):]]
      + (['License :: ' + lic[1]] if lic[1] else []),
    url=cfg['git_url'],
    packages=setuptools.find_packages(include=[cfg['lib_path'], cfg['lib_path'] + '.*']),
    include_package_data=True,
    package_data={cfg['lib_path']: ['resources/*']},
    install_requires=requirements,
    extras_require={'dev': dev_requirements, 'serve': serve_requirements, 'export': export_requirements},
    python_requires='>=' + min_python,
    long_description=open('README.md', encoding='utf8').read(),
    long_description_content_type='text/markdown',
    zip_safe=False,
    entry_points={
        'console_scripts': cfg.get('console_scripts', '').split(),
        'nbdev': [f'{cfg.get("lib_path")}={cfg.get("lib_path")}._modidx:d'],
    },
    **setup_cfg)

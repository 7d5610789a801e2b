// Container registries, Helm repositories and date helpers shared by the demo seed and the generator.
import { IdKind, encodeId } from './ids';
import type { HelmRepositoryRecord, RegistryRecord, ServiceRecord } from './model';
import type { StateEnum, ServiceDeploymentStatusEnum } from 'qovery-typescript-axios';

const REGISTRIES = {
  github: { name: 'GitHub Container Registry', url: 'https://ghcr.io', kind: 'GITHUB_CR' },
  dockerHub: { name: 'Docker Hub', url: 'https://docker.io', kind: 'DOCKER_HUB' },
  ecr: { name: 'acme-ecr', url: 'https://123456789012.dkr.ecr.eu-west-3.amazonaws.com', kind: 'ECR' },
} as const satisfies Record<string, Omit<RegistryRecord, 'id'>>;
export type RegistryKey = keyof typeof REGISTRIES;
const REGISTRY_KEYS = Object.keys(REGISTRIES) as RegistryKey[];

const HELM_REPOSITORIES = {
  bitnami: { name: 'bitnami', url: 'https://charts.bitnami.com/bitnami' },
  datadog: { name: 'datadog', url: 'https://helm.datadoghq.com' },
  uptimeKuma: { name: 'uptime-kuma', url: 'https://dirsigler.github.io/uptime-kuma-helm' },
} as const satisfies Record<string, Omit<HelmRepositoryRecord, 'id'>>;
export type HelmRepositoryKey = keyof typeof HELM_REPOSITORIES;
const HELM_KEYS = Object.keys(HELM_REPOSITORIES) as HelmRepositoryKey[];

export function registry(account: number, organizationIndex: number, key: RegistryKey): RegistryRecord {
  return { ...REGISTRIES[key], id: encodeId(IdKind.registry, account, organizationIndex, REGISTRY_KEYS.indexOf(key)) };
}

export function helmRepository(account: number, organizationIndex: number, key: HelmRepositoryKey): HelmRepositoryRecord {
  return { ...HELM_REPOSITORIES[key], id: encodeId(IdKind.helmRepository, account, organizationIndex, HELM_KEYS.indexOf(key)) };
}

const HOUR = 3_600_000;

export function addHours(iso: string, hours: number): string {
  return new Date(Date.parse(iso) + hours * HOUR).toISOString();
}

/** A service that never ran has no last deployment date. */
export function lastDeploymentDate(
  deploymentStatus: ServiceDeploymentStatusEnum,
  state: StateEnum,
  environmentDeployedAt: string,
  serviceIndex: number,
): ServiceRecord['lastDeployedAt'] {
  if (deploymentStatus === 'NEVER_DEPLOYED' && state === 'READY') {
    return undefined;
  }
  return addHours(environmentDeployedAt, -serviceIndex / 6);
}

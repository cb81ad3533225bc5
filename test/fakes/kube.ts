// A real client (src/kube/client.ts) pointed at a local test server, closed after each test.
import {connect, type ClientOptions, type Kube} from '../../src/kube/client.ts'
import {loadKubeconfig} from '../../src/kube/kubeconfig.ts'

export async function kubeAt(url: string, cleanups: (() => unknown)[], opts: Partial<ClientOptions> = {}): Promise<Kube> {
  const kube = await connect(loadKubeconfig({server: url, token: 'secret'}, {HOME: '/nonexistent'}), {requestTimeoutMs: 5000, verbose: 0, ...opts})
  cleanups.push(() => kube.close())
  return kube
}

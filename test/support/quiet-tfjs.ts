/** Tests use the cpu backend as a reference on purpose: silence its advert for tfjs-node. */
import { quietCpuBackend } from '../../lib/backend/select';

quietCpuBackend();
